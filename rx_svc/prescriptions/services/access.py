"""Reads of prescription documents: every one is written to the access log first."""

import logging

from django.core.files import File

from common.errors import NotFound
from prescriptions.actors import Actor
from prescriptions.models import DocumentAccess, Prescription
from prescriptions.storage import document_storage

log = logging.getLogger(__name__)


def document_open(
    *, prescription: Prescription, reader: Actor, channel: str, request_id: str = ""
) -> File:
    """The document, open for streaming, after recording who reads it (``channel``: api or
    admin). Callers have already decided that ``reader`` may see it."""
    try:
        handle = document_storage().open(prescription.document_name, "rb")
    except FileNotFoundError as exc:
        log.error("prescription document missing", extra={"prescription": prescription.pk})
        raise NotFound(
            f"The document of prescription {prescription.pk} is missing.", code="document_missing"
        ) from exc
    DocumentAccess.objects.create(
        prescription=prescription,
        reader_id=reader.id,
        reader_name=reader.name,
        reader_role=reader.role,
        channel=channel,
        request_id=request_id[:128],
    )
    return handle
