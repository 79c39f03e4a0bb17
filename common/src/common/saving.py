"""Saving some columns of a row without the ORM building and compiling the same ``UPDATE``
every time.

``instance.save(update_fields=...)`` builds a query and compiles it on each call; a state
machine's move, or an order line priced at confirmation, saves the same columns of the same
model every time. :func:`save_fields` writes them with SQL made once per model and columns,
preparing each value as ``save()`` would (``pre_save``, so ``auto_now`` is stamped, then
``get_db_prep_save``).
"""

import functools
from collections.abc import Iterable

from django.db import DatabaseError, connections, models, router
from django.db.models.signals import post_save, pre_save


def save_fields(instance: models.Model, names: Iterable[str], *, alias: str | None = None) -> None:
    """``instance.save(update_fields=names)``, as one ``UPDATE`` where nothing could tell them
    apart: the model has no ``save()`` of its own and no signal receivers, and no value is an
    expression (``F("n") + 1`` needs the ORM's compiler); otherwise ``save()`` itself."""
    model = type(instance)
    alias = alias or router.db_for_write(model, instance=instance)
    names = tuple(dict.fromkeys(names))  # in order, once each
    fields = [model._meta.get_field(name) for name in names]
    values = [field.pre_save(instance, False) for field in fields]
    if (
        model.save is not models.Model.save
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or any(hasattr(value, "resolve_expression") for value in values)
    ):
        instance.save(update_fields=names)
        return
    connection = connections[alias]
    pairs = zip(fields, values, strict=True)
    prepared = [field.get_db_prep_save(value, connection) for field, value in pairs]
    columns = tuple(field.column for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, columns, alias), [*prepared, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{model._meta.label} {instance.pk}: no row saved.")


@functools.cache
def _update_sql(model: type[models.Model], columns: tuple[str, ...], alias: str) -> str:
    quote, meta = connections[alias].ops.quote_name, model._meta
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from model meta
