"""``transaction_joined``: a block inside the caller's transaction takes no savepoint, and a
refusal raised in it leaves that transaction usable; on its own it is a transaction."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common.transactions import transaction_joined

pytestmark = pytest.mark.django_db(transaction=True)


class Refused(Exception):
    pass


def test_inside_a_transaction_it_joins_without_a_savepoint():
    with transaction.atomic(), CaptureQueriesContext(connection) as seen:
        with transaction_joined():
            Group.objects.create(name="joined")
        with pytest.raises(Refused), transaction_joined():
            raise Refused  # before any write: the caller carries on
        Group.objects.create(name="after the refusal")
    assert not [q for q in seen.captured_queries if "SAVEPOINT" in q["sql"]]
    assert Group.objects.filter(name__in=["joined", "after the refusal"]).count() == 2


def test_on_its_own_it_is_a_transaction_an_error_rolls_back():
    with pytest.raises(Refused), transaction_joined():
        Group.objects.create(name="undone")
        raise Refused
    assert not Group.objects.filter(name="undone").exists()
    with transaction_joined():
        Group.objects.create(name="kept")
    assert Group.objects.filter(name="kept").exists()
