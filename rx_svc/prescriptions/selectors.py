"""Reads of prescriptions and of the document access log.

A patient sees only their own prescriptions, and a pharmacist only those sent to their own
pharmacy (their token's ``org``); to anyone else, to a patient asking for another's and to a
pharmacist asking for another pharmacy's, a prescription does not exist (404, never 403).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from common.authentication import Principal
from common.errors import NotFound
from prescriptions.models import DocumentAccess, Prescription

Status = Prescription.Status
PATIENT = "patient"
PHARMACIST = "pharmacist"
# auth_svc's ids start at 1: scoping to 0 shows nothing (a pharmacist whose token names no
# pharmacy works no queue).
NO_PHARMACY = 0


def status_q(status: str) -> Q:
    """Prescriptions whose *effective* status is ``status``: a verified one past its
    validity is expired today, whatever the expiry job has written so far."""
    past_validity = Q(status=Status.VERIFIED, valid_until__lt=timezone.localdate())
    if status == Status.EXPIRED:
        return Q(status=Status.EXPIRED) | past_validity
    if status == Status.VERIFIED:
        return Q(status=Status.VERIFIED) & ~past_validity
    return Q(status=status)


def pharmacy_of(*, principal: Principal) -> int:
    """The pharmacy whose prescriptions a pharmacist's token lets them see and review."""
    return principal.org if principal.org is not None else NO_PHARMACY


def prescriptions_visible_to(*, principal: Principal) -> QuerySet[Prescription]:
    if principal.role == PHARMACIST:
        return Prescription.objects.filter(pharmacy_id=pharmacy_of(principal=principal))
    if principal.role == PATIENT and principal.sub:
        return Prescription.objects.filter(patient_id=principal.sub)
    return Prescription.objects.none()


def prescription_list(*, principal: Principal, status: str | None = None) -> QuerySet[Prescription]:
    """A patient's own, newest first; for pharmacists the queue, oldest first."""
    prescriptions = prescriptions_visible_to(principal=principal)
    if status:
        prescriptions = prescriptions.filter(status_q(status))
    if principal.role == PHARMACIST:
        return prescriptions.order_by("created_at", "pk")
    return prescriptions.order_by("-created_at", "-pk")


def prescription_get(
    *, principal: Principal, prescription_id: int, with_events: bool = False
) -> Prescription:
    prescriptions = prescriptions_visible_to(principal=principal)
    if with_events:
        prescriptions = prescriptions.prefetch_related("events")
    prescription = prescriptions.filter(pk=prescription_id).first()
    if prescription is None:
        raise NotFound(f"No prescription {prescription_id}.", code="not_found")
    return prescription


def document_access_list(
    *, prescription_id: int | None = None, reader_id: str | None = None
) -> QuerySet[DocumentAccess]:
    """The access log, newest read first."""
    reads = DocumentAccess.objects.all()
    if prescription_id is not None:
        reads = reads.filter(prescription_id=prescription_id)
    if reader_id:
        reads = reads.filter(reader_id=reader_id)
    return reads.order_by("-read_at", "-pk")
