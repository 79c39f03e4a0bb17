"""The store of prescription documents (``STORAGES["rx_documents"]``).

Documents are health data: they are read only through views that check who is asking and
write the access log, so the storage never produces a URL to them.
"""

from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "rx_documents"


def document_storage() -> Storage:
    return storages[ALIAS]


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files under ``RX_DOCUMENT_DIR`` with no public URL."""

    def url(self, name):
        raise NotImplementedError("Prescription documents have no URL; stream them instead.")
