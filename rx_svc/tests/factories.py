import hashlib
import uuid
from datetime import date, timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from prescriptions.models import DocumentAccess, Fill, Prescription
from prescriptions.sample_documents import png_document
from prescriptions.storage import document_storage
from tests.conftest import PATIENT_ID, PHARMACIST_ACTOR, PHARMACY


def _stored(content: bytes, extension: str) -> str:
    return document_storage().save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content))


class PrescriptionFactory(factory.django.DjangoModelFactory):
    """A prescription whose document really is in the (per-test) store."""

    class Meta:
        model = Prescription

    class Params:
        content = factory.Sequence(lambda n: png_document([f"Sample prescription {n}"]))
        in_review = factory.Trait(
            status=Prescription.Status.IN_REVIEW,
            claimed_by=PHARMACIST_ACTOR,
            claimed_by_name="phil",
            claimed_at=factory.LazyFunction(timezone.now),
        )
        verified = factory.Trait(
            status=Prescription.Status.VERIFIED,
            claimed_by=PHARMACIST_ACTOR,
            claimed_by_name="phil",
            reviewed_by=PHARMACIST_ACTOR,
            reviewed_at=factory.LazyFunction(timezone.now),
            refills=1,
            fills_remaining=2,
            valid_until=factory.LazyFunction(lambda: date.today() + timedelta(days=90)),
        )

    patient_id = PATIENT_ID
    pharmacy_id = PHARMACY
    drug_id = 1
    drug_name = "Demo Drug 1 10 mg Tablet"
    drug_ndc = "0093-0001-01"
    quantity = 2
    prescriber_name = "Dr. Gregory House"
    prescriber_license = "MD-123456"
    written_on = factory.LazyFunction(lambda: date.today() - timedelta(days=5))
    document_type = "image/png"
    document_size = factory.LazyAttribute(lambda o: len(o.content))
    document_sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    document_name = factory.LazyAttribute(lambda o: _stored(o.content, "png"))


class FillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fill

    prescription = factory.SubFactory(PrescriptionFactory, verified=True)
    order_ref = factory.Sequence(lambda n: f"ORD-{n:05d}")
    drug_id = factory.SelfAttribute("prescription.drug_id")
    quantity = 1
    consumed_by = "client:orders-service"
    consumed_at = factory.LazyFunction(timezone.now)


class DocumentAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentAccess

    prescription = factory.SubFactory(PrescriptionFactory)
    reader_id = PHARMACIST_ACTOR
    reader_name = "phil"
    reader_role = "pharmacist"
    channel = DocumentAccess.Channel.API
