"""Registering endpoints: create, change, rotate the secret, remove. An organization manages
only its own; another's endpoint does not exist for it (404)."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from common.authentication import Principal
from common.errors import Forbidden
from webhooks.addresses import url_check
from webhooks.models import Endpoint
from webhooks.signing import secret_new


def organization_of(principal: Principal) -> int:
    if principal.org is None:
        raise Forbidden("Your token names no organization.", code="no_organization")
    return principal.org


def endpoint_get(*, principal: Principal, endpoint_id: int) -> Endpoint:
    return get_object_or_404(
        Endpoint.objects.filter(organization=organization_of(principal)), pk=endpoint_id
    )


def endpoint_create(
    *, principal: Principal, url: str, events: list[str], description: str, by: str
) -> Endpoint:
    url_check(url)
    return Endpoint.objects.create(
        organization=organization_of(principal),
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=secret_new(),
        created_by=by,
    )


def endpoint_update(*, endpoint: Endpoint, changes: dict) -> Endpoint:
    if "url" in changes:
        url_check(changes["url"])
    if "events" in changes:
        changes["events"] = sorted(set(changes["events"]))
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save(update_fields=[*changes, "updated_at"])
    return endpoint


def endpoint_secret_rotate(*, endpoint: Endpoint) -> Endpoint:
    """A new secret signs from now on; the old one signs too (a second signature) for
    WEBHOOK_SECRET_OVERLAP_SECONDS, while the receiver switches."""
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret_new()
    endpoint.previous_secret_until = timezone.now() + timedelta(
        seconds=settings.WEBHOOK_SECRET_OVERLAP_SECONDS
    )
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
    )
    return endpoint
