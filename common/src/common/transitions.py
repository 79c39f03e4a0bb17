"""State machines: one refusal for a move a machine does not allow.

Every service keeps its statuses' moves in one dict (``TRANSITIONS = {status: {allowed…}}``,
STYLE.md) and makes a move with :func:`transition_apply`, so a move is made the same way
everywhere (row locked, table checked, saved with ``update_fields``, event written, side
effects after commit) and an illegal one answers the same (API.md): 409 ``invalid_transition``
with ``from``, ``to`` and ``allowed`` (the moves there are from ``from``, sorted).
"""

import functools
from collections.abc import Callable, Iterable, Mapping

from django.db import connections, models, router, transaction

from common.errors import Conflict
from common.saving import save_fields


class InvalidTransition(Conflict):
    code = "invalid_transition"


def transition_check(
    *, table: Mapping[str, Iterable[str]], current: str, to: str, subject: str
) -> None:
    """Raise ``InvalidTransition`` unless ``table`` allows ``current → to``; ``subject`` names
    the thing in the message ("Order PC-12", "Lot A1")."""
    allowed = sorted(table.get(current, ()))
    if to not in allowed:
        raise InvalidTransition(
            f"{subject} is {current}; it cannot become {to}.",
            extra={"from": current, "to": to, "allowed": allowed},
        )


def transition_apply(
    instance: models.Model,
    to: str,
    *,
    table: Mapping[str, Iterable[str]],
    subject: str,
    field: str = "status",
    changes: Mapping[str, object] | None = None,
    record: Callable[[str, str], object] | None = None,
    after_commit: Callable[[], object] | None = None,
) -> str:
    """Move ``instance`` to ``to`` inside the caller's transaction and return the status it
    left.

    The row is locked (``SELECT … FOR UPDATE``; a no-op when the caller holds the lock) and
    its status read again under the lock, so two racing moves are decided one after the other
    and the loser gets the 409. ``changes`` are the other fields the move sets; they are saved
    with the status in one ``UPDATE`` of exactly those columns, and so are the model's
    ``auto_now`` fields (an ``updated_at`` follows every move). ``record(from, to)`` writes the
    event row after the save, and ``after_commit`` runs only once the transaction commits
    (notifications, calls to other services).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition_apply must run inside transaction.atomic()")
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    with connections[alias].cursor() as cursor:
        cursor.execute(_lock_sql(model, field, alias), [instance.pk])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model._meta.object_name} {instance.pk} does not exist.")
    current = row[0]
    transition_check(table=table, current=current, to=to, subject=subject)
    changes = dict(changes or {})
    for name, value in {field: to, **changes}.items():
        setattr(instance, name, value)
    save_fields(instance, (field, *changes, *_auto_now_fields(model)), alias=alias)
    if record is not None:
        record(current, to)
    if after_commit is not None:
        transaction.on_commit(after_commit)
    return current


@functools.cache
def _auto_now_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields Django stamps on every save (``auto_now``), which a partial save writes only
    when named."""
    return tuple(f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False))


# The lock is the same statement for every move of a model: written as SQL once per model
# rather than built and compiled by the ORM on every move (the save: ``save_fields``).


@functools.cache
def _lock_sql(model: type[models.Model], field: str, alias: str) -> str:
    quote, meta = connections[alias].ops.quote_name, model._meta
    column, table, pk = meta.get_field(field).column, meta.db_table, meta.pk.column
    return f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(pk)} = %s FOR UPDATE"  # noqa: S608 - names from model meta
