"""The platform's scheduled jobs, which ``up`` runs every minute (cron or a Kubernetes
CronJob does it in a deployment). Each is idempotent and safe to run at any time."""

import threading

from common.registry import service
from common.runner import RunnerError
from common.runner.services import manage

JOB_INTERVAL_SECONDS = 60
JOBS = [
    ("catalog", "expire_reservations"),  # unconfirmed holds whose time is up
    ("catalog", "expire_lots"),  # lots past their expiry date
    ("rx", "expire_prescriptions"),  # verified prescriptions past their validity
    ("orders", "reconcile"),  # orders a crash left pending; unfinished compensations
    ("orders", "dispatch_webhooks"),  # recall notices from catalog's feed; due deliveries
]


def run_jobs(infra, profile, stop: threading.Event, say) -> None:
    """Until ``stop``: every minute, each job once (a failing job is reported, not fatal)."""
    while not stop.wait(JOB_INTERVAL_SECONDS):
        for name, command in JOBS:
            try:
                manage([command], infra, profile, services=[service(name)])
            except RunnerError as exc:
                say(f"warning: scheduled job failed: {exc}")
