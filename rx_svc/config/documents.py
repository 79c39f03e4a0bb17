"""Where prescription documents are stored, decided from the environment.

Kept free of Django imports so that ``settings.py`` can call it. Local filesystem by default
(``RX_DOCUMENT_DIR``, outside anything a web server serves); an S3-compatible bucket when
``RX_S3_BUCKET`` is set. Neither backend is ever asked for a URL: documents leave the service
only through the authorized document endpoints.
"""

from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCUMENT_DIR = REPO_ROOT / ".run" / "rx-documents"

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "prescriptions.storage.PrivateFileSystemStorage"


def document_storage(environ: Mapping[str, str]) -> dict:
    """The ``STORAGES`` entry for prescription documents."""
    bucket = environ.get("RX_S3_BUCKET", "").strip()
    if bucket:
        return {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": environ.get("RX_S3_ENDPOINT_URL") or None,
                "region_name": environ.get("RX_S3_REGION") or None,
                "access_key": environ.get("RX_S3_ACCESS_KEY_ID") or None,
                "secret_key": environ.get("RX_S3_SECRET_ACCESS_KEY") or None,
                "location": environ.get("RX_S3_PREFIX", "rx-documents"),
                # Health data: objects are private and never overwritten; a presigned URL is
                # never handed out (the service streams documents itself).
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
            },
        }
    location = Path(environ.get("RX_DOCUMENT_DIR") or DEFAULT_DOCUMENT_DIR).resolve()
    return {
        "BACKEND": LOCAL_BACKEND,
        "OPTIONS": {
            "location": str(location),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
