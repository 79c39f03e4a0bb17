"""Writes on organizations and their licences."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from common.errors import Conflict
from organizations.models import License, Organization


@contextmanager
def _unique_or_conflict() -> Iterator[None]:
    """One transaction; a duplicate name or licence number undoes it and answers 409."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(
            "An organization or licence with that name/number exists.", code="duplicate"
        ) from exc


def _replace_licenses(organization: Organization, licenses: list[dict]) -> None:
    organization.licenses.all().delete()
    License.objects.bulk_create(License(organization=organization, **data) for data in licenses)


def organization_create(*, name: str, type: str, licenses: list[dict]) -> Organization:
    with _unique_or_conflict():
        organization = Organization.objects.create(name=name, type=type)
        _replace_licenses(organization, licenses)
    return organization


def organization_update(
    *, organization: Organization, name: str | None = None, licenses: list[dict] | None = None
) -> Organization:
    """Rename an organization and/or replace its licences (the type never changes)."""
    with _unique_or_conflict():
        if name is not None and name != organization.name:
            organization.name = name
            organization.save(update_fields=["name"])
        if licenses is not None:
            _replace_licenses(organization, licenses)
    return organization
