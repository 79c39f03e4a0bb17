"""Where documents go: the local store by default (outside anything served), S3-compatible
storage when a bucket is configured."""

from pathlib import Path

from django.core.files.storage import storages
from storages.backends.s3 import S3Storage

from config.documents import DEFAULT_DOCUMENT_DIR, REPO_ROOT, document_storage
from prescriptions.storage import ALIAS, PrivateFileSystemStorage


def test_the_default_store_is_the_local_run_directory():
    config = document_storage({})
    assert config["BACKEND"] == "prescriptions.storage.PrivateFileSystemStorage"
    assert Path(config["OPTIONS"]["location"]) == DEFAULT_DOCUMENT_DIR
    assert DEFAULT_DOCUMENT_DIR == REPO_ROOT / ".run" / "rx-documents"


def test_rx_document_dir_moves_it(tmp_path):
    assert document_storage({"RX_DOCUMENT_DIR": str(tmp_path)})["OPTIONS"]["location"] == str(
        tmp_path
    )


def test_a_bucket_selects_s3_storage(settings):
    config = document_storage(
        {
            "RX_S3_BUCKET": "rx-docs",
            "RX_S3_ENDPOINT_URL": "http://minio.test:9000",
            "RX_S3_ACCESS_KEY_ID": "key",
            "RX_S3_SECRET_ACCESS_KEY": "secret",
        }
    )
    settings.STORAGES = {**settings.STORAGES, ALIAS: config}
    storage = storages[ALIAS]
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.endpoint_url, storage.default_acl) == (
        "rx-docs",
        "http://minio.test:9000",
        "private",
    )
    assert storage.file_overwrite is False


def test_the_service_settings_use_the_local_store_here(document_dir):
    # (the suite points it at a per-test directory)
    assert isinstance(storages[ALIAS], PrivateFileSystemStorage)
    assert Path(storages[ALIAS].location) == document_dir


def test_accepted_uploads_stay_in_memory_and_never_spool_to_disk(settings):
    # The limit handler refuses any body larger than the in-memory threshold, so the
    # memory handler always takes the file and no temporary file is ever written.
    assert settings.FILE_UPLOAD_HANDLERS[0] == "prescriptions.uploads.UploadLimitHandler"
    assert not any("Temporary" in handler for handler in settings.FILE_UPLOAD_HANDLERS)
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.RX_MAX_UPLOAD_REQUEST_BYTES
    assert settings.RX_MAX_UPLOAD_REQUEST_BYTES > settings.RX_MAX_DOCUMENT_BYTES == 10 * 1024**2
