"""A patient's upload: checked completely, then stored; nothing is kept if any check fails."""

import logging
import uuid
from datetime import date

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import Conflict, ValidationFailed
from prescriptions.actors import Actor
from prescriptions.documents import document_inspect
from prescriptions.drugs import prescribable_drug
from prescriptions.models import Prescription
from prescriptions.pharmacies import receiving_pharmacy
from prescriptions.services.review import MAX_VALIDITY
from prescriptions.services.transitions import event_write
from prescriptions.storage import document_storage

log = logging.getLogger(__name__)


def _check_written_on(written_on: date) -> None:
    today = timezone.localdate()
    problem = None
    if written_on > today:
        problem = ("written_on_in_future", "written_on is in the future.")
    elif written_on + MAX_VALIDITY < today:
        problem = ("prescription_too_old", "A prescription written over a year ago has lapsed.")
    if problem:
        code, message = problem
        raise ValidationFailed(message, code=code, extra={"errors": {"written_on": [message]}})


def _refuse_duplicate(patient_id: str, sha256: str) -> None:
    existing = (
        Prescription.objects.filter(patient_id=patient_id, document_sha256=sha256)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        raise Conflict(
            f"This document was already uploaded as prescription {existing}.",
            code="duplicate_document",
            extra={"prescription": existing},
        )


def prescription_upload(
    *,
    patient_id: str,
    by: Actor,
    document: File,
    drug_id: int,
    quantity: int,
    prescriber_name: str,
    prescriber_license: str,
    written_on: date,
    pharmacy_id: int,
) -> Prescription:
    """Check the metadata, the document's content, the drug (catalog) and the pharmacy it is
    sent to (auth: 400 ``unknown_pharmacy`` unless it is a pharmacy), then store the document
    under a generated name and the prescription as ``pending_review``, in that pharmacy's
    queue. Nothing is stored when any check fails or an upstream is down (503).

    The same file uploaded again by the same patient → 409 ``duplicate_document`` naming the
    existing prescription (also when two uploads race: the database decides).
    """
    _check_written_on(written_on)
    inspected = document_inspect(upload=document, size=document.size)
    _refuse_duplicate(patient_id, inspected.sha256)
    drug = prescribable_drug(drug_id=drug_id)
    pharmacy = receiving_pharmacy(pharmacy_id=pharmacy_id)

    storage = document_storage()
    name = storage.save(f"{uuid.uuid4().hex}.{inspected.kind.extension}", document)
    try:
        with transaction.atomic():
            prescription = Prescription.objects.create(
                patient_id=patient_id,
                pharmacy_id=pharmacy.id,
                drug_id=drug.id,
                drug_name=drug.name[: Prescription._meta.get_field("drug_name").max_length],
                drug_ndc=drug.ndc,
                quantity=quantity,
                prescriber_name=prescriber_name,
                prescriber_license=prescriber_license,
                written_on=written_on,
                document_name=name,
                document_type=inspected.kind.content_type,
                document_size=inspected.size,
                document_sha256=inspected.sha256,
            )
            event_write(prescription=prescription, from_status="", by=by, reason="uploaded")
    except IntegrityError:
        storage.delete(name)
        _refuse_duplicate(patient_id, inspected.sha256)
        raise
    except BaseException:
        # No orphan files: the document goes when its row does not come.
        storage.delete(name)
        raise
    log.info("prescription uploaded", extra={"prescription": prescription.pk})
    return prescription
