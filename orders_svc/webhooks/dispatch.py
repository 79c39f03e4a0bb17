"""Sending: every due delivery, signed, with retries on an exponential schedule for the retry
window (24 h), then a dead letter. Runs from ``manage.py dispatch_webhooks`` on a schedule.

A delivery's row stays locked (``SELECT … FOR UPDATE SKIP LOCKED``) for the length of its one
HTTP attempt, so concurrent senders never send it twice at once, and a sender that dies
mid-attempt loses nothing: its transaction ends with its connection, the row is still pending
and the next run sends it (a receiver may then see it twice, with one ``webhook-id``).
"""

import json
import logging
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webhooks.addresses import url_refusal
from webhooks.models import Delivery
from webhooks.signing import signed_headers

log = logging.getLogger(__name__)
# A receiver is a partner's server on the internet: give it time, but not a worker's life.
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 10


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling up to WEBHOOK_MAX_RETRY_DELAY_SECONDS."""
    delay = settings.WEBHOOK_FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(delay, settings.WEBHOOK_MAX_RETRY_DELAY_SECONDS))


def _post(delivery: Delivery, at: datetime) -> tuple[int | None, str]:
    """(status code, error) of one attempt."""
    refusal = url_refusal(delivery.endpoint.url)
    if refusal:
        return None, refusal
    body = json.dumps(delivery.event.payload, separators=(",", ":"), sort_keys=True)
    headers = signed_headers(endpoint=delivery.endpoint, msg_id=delivery.event_id, at=at, body=body)
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body.encode(),
            headers=headers,
            timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, type(exc).__name__
    return response.status_code, "" if response.ok else f"HTTP {response.status_code}"


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """Send one due delivery; its status afterwards, or None if it was not due (or another
    sender holds it)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        status_code, error = _post(delivery, now)
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.last_status_code = now, status_code
        delivery.last_error = error[:200]
        if not error:
            delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
        else:
            next_at = now + retry_delay(delivery.attempts)
            window_ends = delivery.window_started_at + timedelta(
                seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS
            )
            if next_at > window_ends:
                delivery.status = Delivery.Status.DEAD
                log.warning(
                    "webhook dead-lettered",
                    extra={"event": delivery.event_id, "endpoint": delivery.endpoint_id},
                )
            delivery.next_attempt_at = next_at
        delivery.save()
        return delivery.status


def deliveries_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Attempt every due delivery (oldest first, at most ``limit``); how many were delivered."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
    ).order_by("next_attempt_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(delivery_attempt(delivery_id=pk, now=now) == Delivery.Status.DELIVERED for pk in ids)


def deliveries_replay(*, delivery_ids: list[int], now: datetime | None = None) -> int:
    """Dead letters (or anything not yet delivered) go out again, with a new retry window; the
    event id stays, so a receiver that had it after all drops it."""
    now = now or timezone.now()
    return (
        Delivery.objects.filter(pk__in=delivery_ids)
        .exclude(status=Delivery.Status.DELIVERED)
        .update(
            status=Delivery.Status.PENDING,
            attempts=0,
            window_started_at=now,
            next_attempt_at=now,
            last_error="",
        )
    )
