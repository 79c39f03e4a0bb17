"""Joining the caller's transaction instead of opening a savepoint inside it."""

from contextlib import AbstractContextManager, nullcontext

from django.db import transaction


def transaction_joined() -> AbstractContextManager:
    """The caller's transaction if there is one, else a new one (``transaction.atomic()``).

    Inside the caller's, the block takes no savepoint: two statements less (``SAVEPOINT``,
    ``RELEASE``), and an error raised in it leaves the caller's transaction as it is rather
    than marking it for rollback. Use it where that is safe: the block's refusals are raised
    before it writes anything, or its callers let every error end their transaction.
    """
    if transaction.get_connection().in_atomic_block:
        return nullcontext()
    return transaction.atomic()
