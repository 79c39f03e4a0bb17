"""Oversized uploads are refused before they are read, or as soon as the file passes 10 MiB
while streaming: a 50 MiB body never lands anywhere, and nothing is stored."""

import pytest

from prescriptions.documents import PNG
from prescriptions.models import Prescription
from prescriptions.sample_documents import png_document
from tests.conftest import UPLOAD_URL, upload_form

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
BOUNDARY = "rx-boundary"


class StreamedUpload:
    """A multipart upload of a ``size``-byte file, produced as it is read, counting what the
    server reads (the bytes are never all in memory, let alone on disk)."""

    def __init__(self, size: int):
        fields = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in upload_form(b"").items()
            if name != "file"
        )
        self.head = (
            f'{fields}--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode() + PNG.magic
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_rest = size - len(PNG.magic)
        self.length = len(self.head) + self.file_rest + len(self.tail)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        remaining = self.length - self.position
        size = remaining if size is None or size < 0 else min(size, remaining)
        out = bytearray()
        while len(out) < size:
            at = self.position + len(out)
            if at < len(self.head):
                out += self.head[at : at + size - len(out)]
            elif at < len(self.head) + self.file_rest:
                left_in_file = len(self.head) + self.file_rest - at
                out += b"\x00" * min(size - len(out), left_in_file)
            else:
                offset = at - len(self.head) - self.file_rest
                out += self.tail[offset : offset + size - len(out)]
        self.position += len(out)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def post(self, client):
        return client.post(
            UPLOAD_URL,
            data=b"x",  # replaced by the stream below
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            **{"wsgi.input": self, "CONTENT_LENGTH": str(self.length)},
        )


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    path = tmp_path / "upload-temp"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    return path


def assert_nothing_kept(document_dir, upload_temp_dir):
    assert Prescription.objects.count() == 0
    assert not document_dir.exists() or not any(document_dir.iterdir())
    assert not any(upload_temp_dir.iterdir())


def test_a_50_mib_body_is_refused_before_a_byte_is_read(
    patient, catalog, document_dir, upload_temp_dir
):
    body = StreamedUpload(50 * MIB)
    response = body.post(patient)
    assert response.status_code == 413
    # The declared length is over the upload route's limit: the request is refused whole.
    assert response.json()["code"] == "request_too_large"
    assert body.position == 0
    assert catalog.drug_calls() == 0
    assert_nothing_kept(document_dir, upload_temp_dir)


def test_a_file_one_byte_over_10_mib_stops_the_upload_there(
    patient, catalog, document_dir, upload_temp_dir
):
    body = StreamedUpload(10 * MIB + 1)
    response = body.post(patient)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert_nothing_kept(document_dir, upload_temp_dir)
    assert catalog.drug_calls() == 0


def test_the_reading_stops_at_the_limit_not_at_the_end_of_the_body(patient, settings):
    # With a smaller limit, what the server read shows where it stopped.
    settings.RX_MAX_DOCUMENT_BYTES = 1 * MIB
    body = StreamedUpload(8 * MIB)
    response = body.post(patient)
    assert response.status_code == 413
    assert body.position < 2 * MIB


def test_exactly_10_mib_passes_the_size_limit(patient, catalog, document_dir, upload_temp_dir):
    # Zeros after a PNG signature: the size is fine, the content is not a PNG.
    response = StreamedUpload(10 * MIB).post(patient)
    assert response.status_code == 400
    assert response.json()["code"] == "corrupt_file"
    assert_nothing_kept(document_dir, upload_temp_dir)


def test_two_files_in_one_upload_are_refused(patient, catalog, document_dir):
    catalog.drug(1)
    form = upload_form(png_document(["first"]))
    form["extra"] = form["file"].__class__("second.png", png_document(["second"]))
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_files"
    assert Prescription.objects.count() == 0
