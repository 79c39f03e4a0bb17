"""Writes on organizations and their licences."""

from django.db import IntegrityError, transaction

from common.errors import Conflict
from organizations.models import License, Organization


def _replace_licenses(organization: Organization, licenses: list[dict]) -> None:
    organization.licenses.all().delete()
    License.objects.bulk_create(License(organization=organization, **data) for data in licenses)


@transaction.atomic
def organization_create(*, name: str, type: str, licenses: list[dict]) -> Organization:
    try:
        with transaction.atomic():
            organization = Organization.objects.create(name=name, type=type)
            _replace_licenses(organization, licenses)
    except IntegrityError as exc:
        raise Conflict(
            "An organization or licence with that name/number exists.", code="duplicate"
        ) from exc
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, name: str | None = None, licenses: list[dict] | None = None
) -> Organization:
    """Rename an organization and/or replace its licences (the type never changes)."""
    try:
        with transaction.atomic():
            if name is not None and name != organization.name:
                organization.name = name
                organization.save(update_fields=["name"])
            if licenses is not None:
                _replace_licenses(organization, licenses)
    except IntegrityError as exc:
        raise Conflict(
            "An organization or licence with that name/number exists.", code="duplicate"
        ) from exc
    return organization
