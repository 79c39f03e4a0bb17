"""Settings of the rx service: the common base plus what is its own."""

import os

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings
from config.documents import document_storage

globals().update(service_settings("rx"))

INSTALLED_APPS = [*COMMON_APPS, "prescriptions"]

# Prescription documents: "rx_documents" is the only storage that holds them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "rx_documents": document_storage(os.environ),
}

# Uploads: a document is at most 10 MiB. A request may carry that plus the form fields; a
# larger declared body is refused before a byte is read, and the file's own bytes are
# counted as they stream in (prescriptions.uploads). Everything accepted fits in memory, so
# an upload never touches a temporary file on disk before it has been checked.
RX_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
RX_MAX_UPLOAD_REQUEST_BYTES = RX_MAX_DOCUMENT_BYTES + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = RX_MAX_UPLOAD_REQUEST_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024  # the non-file fields of any form
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_HANDLERS = [
    "prescriptions.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
]
# Decoding an image larger than this (a decompression bomb) is refused: 40 megapixels is
# more than any phone camera or scanner produces for a sheet of paper.
RX_MAX_IMAGE_PIXELS = 40_000_000

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "ENUM_NAME_OVERRIDES": {
        "PrescriptionStatusEnum": "prescriptions.models.Prescription.Status",
        "RejectionReasonEnum": "prescriptions.models.Prescription.RejectionReason",
    },
}

SEED_STEPS = ["prescriptions.seed.seed_prescriptions"]

# Back-office staff signed in through auth_svc get these admin permissions by role:
# pharmacists see the queue, read the documents and review (claim, approve, reject).
ADMIN_ROLE_PERMISSIONS = {
    "pharmacist": [
        "prescriptions.view_prescription",
        "prescriptions.view_queuedprescription",
        "prescriptions.review_prescription",
        "prescriptions.view_prescriptionevent",
    ],
}
