"""Scheduled commands run in one process, each on its own."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from common.models import IdempotencyRecord


@pytest.mark.django_db
def test_every_command_runs_and_a_failure_does_not_stop_the_next(capsys):
    with pytest.raises(CommandError, match="failed: no_such_command"):
        call_command("run_scheduled", "no_such_command", "purge_idempotency_records")
    assert "purged 0 idempotency record(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_round_without_failures_succeeds(capsys):
    IdempotencyRecord.objects.create(principal="user:1", key="k", request_hash="h")
    call_command("run_scheduled", "purge_idempotency_records")
    assert "purged 0 idempotency record(s)" in capsys.readouterr().out
    assert IdempotencyRecord.objects.count() == 1  # a fresh record is kept
