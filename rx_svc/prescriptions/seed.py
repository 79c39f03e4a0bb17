"""Demo prescriptions (``manage.py seed``): the demo patient has one waiting for review and
one verified by the demo pharmacist, both sent to Corner Pharmacy (the demo pharmacist's).
Idempotent; calls no other service.

The patient and pharmacist are auth_svc's demo users, referred to by the ids in
``common.demo.people``; the drugs are Rx-only, non-controlled drugs of the demo catalog.
"""

import hashlib
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from common.demo import CORNER_PHARMACY
from common.demo.catalog import DemoDrug, drugs
from common.demo.people import DEMO_PATIENT_ID, DEMO_PHARMACIST_ID, USERNAMES
from prescriptions import services
from prescriptions.actors import Actor
from prescriptions.documents import PDF, PNG, DocumentKind
from prescriptions.models import Prescription
from prescriptions.sample_documents import pdf_document, png_document
from prescriptions.services.transitions import event_write
from prescriptions.storage import document_storage

PATIENT = Actor(id=f"user:{DEMO_PATIENT_ID}", name=USERNAMES[DEMO_PATIENT_ID], role="patient")
PHARMACIST = Actor(
    id=f"user:{DEMO_PHARMACIST_ID}", name=USERNAMES[DEMO_PHARMACIST_ID], role="pharmacist"
)
PRESCRIBER = "Dr. Alice Demo"
# One licence number per demo prescription: how a re-run finds what it made before.
PENDING_LICENSE = "DEMO-MD-0001"
VERIFIED_LICENSE = "DEMO-MD-0002"


def _prescribable() -> list[DemoDrug]:
    return [drug for drug in drugs() if drug.rx_only and not drug.schedule]


def _document(drug: DemoDrug, license_number: str) -> list[str]:
    return [
        "PharmaConnect demo prescription",
        f"Patient: {USERNAMES[DEMO_PATIENT_ID]}",
        f"Rx: {drug.name}, {drug.pack_size} {drug.unit}",
        f"Prescriber: {PRESCRIBER} ({license_number})",
    ]


def _prescription(
    *, drug: DemoDrug, license_number: str, kind: DocumentKind, content: bytes
) -> Prescription:
    existing = Prescription.objects.filter(
        patient_id=str(DEMO_PATIENT_ID), prescriber_license=license_number
    ).first()
    storage = document_storage()
    if existing is not None:
        if not storage.exists(existing.document_name):  # the file store was wiped
            storage.save(existing.document_name, ContentFile(content))
        return existing
    name = storage.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(content))
    prescription = Prescription.objects.create(
        patient_id=str(DEMO_PATIENT_ID),
        pharmacy_id=CORNER_PHARMACY,
        drug_id=drug.id,
        drug_name=drug.name,
        drug_ndc=drug.ndc,
        quantity=1,
        prescriber_name=PRESCRIBER,
        prescriber_license=license_number,
        written_on=timezone.localdate() - timedelta(days=10),
        document_name=name,
        document_type=kind.content_type,
        document_size=len(content),
        document_sha256=hashlib.sha256(content).hexdigest(),
    )
    event_write(prescription=prescription, from_status="", by=PATIENT, reason="uploaded")
    return prescription


def seed_prescriptions() -> None:
    pending_drug, verified_drug = _prescribable()[:2]
    _prescription(
        drug=pending_drug,
        license_number=PENDING_LICENSE,
        kind=PNG,
        content=png_document(_document(pending_drug, PENDING_LICENSE)),
    )
    verified = _prescription(
        drug=verified_drug,
        license_number=VERIFIED_LICENSE,
        kind=PDF,
        content=pdf_document(_document(verified_drug, VERIFIED_LICENSE)),
    )
    if verified.status == Prescription.Status.PENDING_REVIEW:
        services.prescription_claim(
            prescription_id=verified.pk, pharmacy_id=CORNER_PHARMACY, by=PHARMACIST
        )
        services.prescription_approve(
            prescription_id=verified.pk,
            pharmacy_id=CORNER_PHARMACY,
            by=PHARMACIST,
            notes="Demo: checked with the prescriber.",
            valid_until=timezone.localdate() + timedelta(days=180),
            refills=2,
        )
