"""Refuse oversized uploads before they are read, and stop one that grows past the limit.

First in ``FILE_UPLOAD_HANDLERS``: a multipart body that declares more than
``RX_MAX_UPLOAD_REQUEST_BYTES`` is refused before a byte of it is read; a file whose bytes
pass ``RX_MAX_DOCUMENT_BYTES`` while streaming stops the parse at that chunk, so the rest is
never read and nothing reaches the handlers after this one.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

from common.errors import ApplicationError


class UploadTooLarge(ApplicationError, RequestDataTooBig):
    """413 ``file_too_large`` in the API; a plain 400 wherever Django parses the body itself
    (Django answers its own ``RequestDataTooBig`` with 400)."""

    status = 413
    code = "file_too_large"


def too_large() -> UploadTooLarge:
    limit_mib = settings.RX_MAX_DOCUMENT_BYTES // (1024 * 1024)
    return UploadTooLarge(f"A document may be at most {limit_mib} MiB.")


class UploadLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.RX_MAX_UPLOAD_REQUEST_BYTES:
            raise too_large()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.RX_MAX_DOCUMENT_BYTES:
            raise too_large()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file
