"""The document check decides PDF, PNG or JPEG from the bytes alone, and refuses damaged
files, other types and decompression bombs with a stable code."""

import io
import struct
import zlib

import pytest

from common.errors import ApplicationError
from prescriptions.documents import JPEG, PDF, PNG, document_inspect
from prescriptions.sample_documents import jpeg_document, pdf_document, png_document

LINES = ["Rx: amoxicillin 500 mg", "Dr. Who"]


def inspect(content: bytes):
    return document_inspect(upload=io.BytesIO(content), size=len(content))


def refusal(content: bytes) -> tuple[int, str]:
    with pytest.raises(ApplicationError) as raised:
        inspect(content)
    return raised.value.status, raised.value.code


def png_with_size(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but whose pixel data is tiny."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        PNG.magic
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [(pdf_document(LINES), PDF), (png_document(LINES), PNG), (jpeg_document(LINES), JPEG)],
    ids=["pdf", "png", "jpeg"],
)
def test_valid_documents_are_recognised_with_their_sha256(content, kind):
    import hashlib

    inspected = inspect(content)
    assert inspected.kind is kind
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,  # a Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,  # a Linux executable
        b"PK\x03\x04" + b"\x00" * 200,  # a zip archive
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 50,
    ],
    ids=["exe", "elf", "zip", "html", "gif"],
)
def test_other_types_are_unsupported(content):
    assert refusal(content) == (415, "unsupported_file_type")


def test_an_empty_file_is_refused():
    assert refusal(b"") == (400, "empty_file")


@pytest.mark.parametrize(
    "content",
    [
        png_document(LINES)[:200],  # cut off mid-stream
        jpeg_document(LINES)[:300],
        PNG.magic + b"\x00" * 100,
        pdf_document(LINES).replace(b"%%EOF", b"%%XXX"),  # no trailer
        pdf_document(LINES).replace(b"startxref\n", b"startxref\n9"),  # points past the end
        b"%PDF-1.4\n" + b"A" * 500 + b"\nstartxref\n20\n%%EOF\n",  # points at no xref
    ],
    ids=[
        "png-truncated",
        "jpeg-truncated",
        "png-garbage",
        "pdf-no-eof",
        "pdf-bad-xref",
        "pdf-xref-nowhere",
    ],
)
def test_damaged_documents_are_refused(content):
    assert refusal(content) == (400, "corrupt_file")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings):
    # 100,000 x 100,000 pixels claimed by a file of a few hundred bytes.
    assert refusal(png_with_size(100_000, 100_000)) == (413, "image_too_large")
    # Under Pillow's own bomb limit but over the service's.
    settings.RX_MAX_IMAGE_PIXELS = 1_000_000
    assert refusal(png_with_size(2_000, 1_000)) == (413, "image_too_large")


def test_a_document_over_the_limit_is_refused(settings):
    settings.RX_MAX_DOCUMENT_BYTES = 1000
    content = png_document(LINES)
    assert len(content) > 1000
    assert refusal(content) == (413, "file_too_large")
