"""What an uploaded document is, decided from its bytes alone.

The file's name and the content type the client declares are never consulted: the first
bytes say PDF, PNG or JPEG, and the rest must bear that out (a PDF has a header, a trailer and
a ``startxref`` that points at a cross-reference; an image decodes with Pillow). Anything
else is refused before a byte is stored.
"""

import hashlib
import re
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image

from common.errors import ApplicationError, ValidationFailed
from prescriptions.uploads import too_large


@dataclass(frozen=True)
class DocumentKind:
    content_type: str
    extension: str
    magic: bytes


PDF = DocumentKind("application/pdf", "pdf", b"%PDF-")
PNG = DocumentKind("image/png", "png", b"\x89PNG\r\n\x1a\n")
JPEG = DocumentKind("image/jpeg", "jpg", b"\xff\xd8\xff")
KINDS = (PDF, PNG, JPEG)
KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}

_PILLOW_FORMAT = {PNG: "PNG", JPEG: "JPEG"}
_PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
# The last startxref before the final %%EOF; its offset points at the cross-reference.
_PDF_TRAILER = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_PDF_XREF = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")
_PDF_TAIL_BYTES = 2048
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class InspectedDocument:
    kind: DocumentKind
    size: int
    sha256: str


class UnsupportedFileType(ApplicationError):
    status = 415
    code = "unsupported_file_type"


def corrupt(what: str) -> ValidationFailed:
    return ValidationFailed(f"The file looks like a {what} but is damaged.", code="corrupt_file")


def document_inspect(*, upload: IO[bytes], size: int) -> InspectedDocument:
    """The kind, size and SHA-256 of an upload, or the 4xx that refuses it."""
    if size == 0:
        raise ValidationFailed("The file is empty.", code="empty_file")
    if size > settings.RX_MAX_DOCUMENT_BYTES:
        raise too_large()
    upload.seek(0)
    kind = _sniff(upload.read(16))
    if kind is None:
        raise UnsupportedFileType("Upload a PDF, JPEG or PNG document.")
    if kind is PDF:
        _check_pdf(upload, size)
    else:
        _check_image(upload, kind)
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return InspectedDocument(kind=kind, size=size, sha256=digest.hexdigest())


def _sniff(head: bytes) -> DocumentKind | None:
    return next((kind for kind in KINDS if head.startswith(kind.magic)), None)


def _check_pdf(upload: IO[bytes], size: int) -> None:
    upload.seek(0)
    if not _PDF_HEADER.match(upload.read(16)):
        raise corrupt("PDF")
    upload.seek(max(0, size - _PDF_TAIL_BYTES))
    trailer = _PDF_TRAILER.search(upload.read())
    if trailer is None or int(trailer.group(1)) >= size:
        raise corrupt("PDF")
    upload.seek(int(trailer.group(1)))
    if not _PDF_XREF.match(upload.read(64)):
        raise corrupt("PDF")


def _check_image(upload: IO[bytes], kind: DocumentKind) -> None:
    """Open (header only), check the pixel count, verify, then decode for real."""
    max_pixels = settings.RX_MAX_IMAGE_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload, formats=[_PILLOW_FORMAT[kind]]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _image_too_large(max_pixels)
            image.verify()
        upload.seek(0)
        with Image.open(upload, formats=[_PILLOW_FORMAT[kind]]) as image:
            if kind is JPEG:
                # Decode every block, but at 1/8 scale: a big photo costs little memory.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Image.DecompressionBombError as exc:
        raise _image_too_large(max_pixels) from exc
    except ApplicationError:
        raise
    # Pillow reports damaged input with many exception types (OSError, SyntaxError,
    # ValueError, struct.error, ...); every one of them means the same to the uploader.
    except Exception as exc:
        raise corrupt(kind.extension.upper()) from exc


def _image_too_large(max_pixels: int) -> ApplicationError:
    return ApplicationError(
        f"The image has more than {max_pixels // 1_000_000} megapixels.",
        status=413,
        code="image_too_large",
    )
