"""Small, valid prescription documents made on the spot: for the demo seed and the tests.

They are built here rather than shipped as files so that their content is plain to read.
"""

import io

from PIL import Image, ImageDraw


def png_document(lines: list[str], *, size: tuple[int, int] = (480, 200)) -> bytes:
    image = Image.new("L", size, color=255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((16, 16 + 22 * number), line, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_document(lines: list[str], *, size: tuple[int, int] = (480, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png_document(lines, size=size))).save(buffer, format="JPEG")
    return buffer.getvalue()


def _pdf_text(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_document(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with the lines in Helvetica, and a correct cross-reference."""
    text = " ".join(f"({_pdf_text(line)}) Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 16 TL 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
