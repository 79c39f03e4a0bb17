"""The scheduled jobs of every service (``Service.scheduled_jobs`` in the registry), which ``up``
runs every JOB_INTERVAL_SECONDS as compose's scheduler containers and the chart's CronJobs do."""

import threading

from common.registry import JOB_INTERVAL_SECONDS, SERVICES
from runner import RunnerError
from runner.services import manage


def run_jobs(infra, profile, stop: threading.Event, say) -> None:
    """Until ``stop``: every JOB_INTERVAL_SECONDS, each job once (a failing job is reported, not
    fatal)."""
    while not stop.wait(JOB_INTERVAL_SECONDS):
        for svc in SERVICES:
            if not svc.scheduled_jobs:
                continue
            try:  # one process per service and round (common's run_scheduled)
                manage(["run_scheduled", *svc.scheduled_jobs], infra, profile, services=[svc])
            except RunnerError as exc:
                say(f"warning: scheduled job failed: {exc}")
