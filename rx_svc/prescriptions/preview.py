"""The review page's picture of a PDF prescription: its first page, rendered on the server.

A PDF is a patient's upload and may carry JavaScript, and Chromium refuses to run its PDF
viewer inside a frame sandboxed with no allow-* token. So the browser is never given the PDF
to render: pdfium (``pypdfium2``, a build with neither V8 nor XFA, so no script in a document
can run even here) draws the first page into a PNG, and the review page shows that image.
The PNG is served with the same sandbox and no-sniff headers as the document itself, and
the read that produced it is in the access log like any other.
"""

import io
import logging

import pypdfium2 as pdfium
from django.http import HttpResponse
from PIL import Image, ImageDraw

from prescriptions.streaming import DOCUMENT_CSP

log = logging.getLogger(__name__)

# Wide enough to read a handwritten prescription at the review page's width; the height
# bound keeps a hostile page size (a PDF may declare a page miles long) from costing memory.
PREVIEW_WIDTH_PX = 1000
PREVIEW_MAX_HEIGHT_PX = 2000
UNREADABLE_TEXT = "This PDF cannot be shown here. Download it to read it."


def pdf_first_page_png(data: bytes) -> tuple[bytes, int]:
    """The first page of ``data`` as a PNG ``PREVIEW_WIDTH_PX`` wide (at most
    ``PREVIEW_MAX_HEIGHT_PX`` high), and the number of pages. Raises ``pdfium.PdfiumError``
    when pdfium cannot read the document."""
    document = pdfium.PdfDocument(data)
    try:
        pages = len(document)
        if pages == 0:
            raise pdfium.PdfiumError("the document has no pages")
        page = document[0]
        try:
            width, height = page.get_size()  # points
            if width <= 0 or height <= 0:
                raise pdfium.PdfiumError("the first page has no area")
            scale = min(PREVIEW_WIDTH_PX / width, PREVIEW_MAX_HEIGHT_PX / height)
            bitmap = page.render(scale=scale, may_draw_forms=False)
            image = bitmap.to_pil()
        finally:
            page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), pages


def unreadable_png() -> bytes:
    """What the preview shows for a PDF pdfium cannot read: a picture that says so."""
    image = Image.new("RGB", (PREVIEW_WIDTH_PX, 120), color=(255, 255, 255))
    ImageDraw.Draw(image).text((24, 48), UNREADABLE_TEXT, fill=(120, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def preview_response(data: bytes, *, prescription_id: int) -> HttpResponse:
    """The first page of a PDF as a PNG answer, with the document's own protective
    headers; the page count travels in ``X-Page-Count``."""
    try:
        png, pages = pdf_first_page_png(data)
    except pdfium.PdfiumError:
        log.warning("prescription preview failed", extra={"prescription": prescription_id})
        png, pages = unreadable_png(), 0
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="prescription-{prescription_id}-p1.png"'
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Page-Count"] = str(pages)
    return response
