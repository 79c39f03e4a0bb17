"""Writing rows without the ORM building and compiling the same statement every time.

``instance.save(update_fields=...)`` and ``bulk_create`` build a query and compile it on each
call; a state machine's move, an order placed or a reservation made writes the same columns
of the same models every time. :func:`save_fields` and :func:`insert_rows` write them with
SQL made once per model (and columns), preparing each value as the ORM would (``pre_save``,
so ``auto_now`` and ``auto_now_add`` are stamped, then ``get_db_prep_save``).
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: tuple  # the columns written
    returned: tuple  # the columns Postgres fills in (an auto id, generated columns)


def insert_rows(instances: Sequence[models.Model]) -> list[models.Model]:
    """``bulk_create(instances)`` for new rows of one model, as one ``INSERT … SELECT FROM
    UNNEST`` (an array per column: the same statement for any number of rows). Each instance
    gets its id and database-generated columns and becomes a stored instance. Values that are
    expressions go through ``bulk_create`` itself."""
    if not instances:
        return []
    model = type(instances[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    statement = _insert_statement(model, alias)
    raw = [[field.pre_save(row, True) for row in instances] for field in statement.fields]
    if any(hasattr(value, "resolve_expression") for column in raw for value in column):
        return model._base_manager.bulk_create(instances)
    arrays = [
        [field.get_db_prep_save(value, connection) for value in column]
        for field, column in zip(statement.fields, raw, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, arrays)
        made = cursor.fetchall()
    for instance, values in zip(instances, made, strict=True):
        for field, value in zip(statement.returned, values, strict=True):
            setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = alias
    return list(instances)


@functools.cache
def _insert_statement(model: type[models.Model], alias: str) -> _Insert:
    connection = connections[alias]
    quote, meta = connection.ops.quote_name, model._meta
    fields = tuple(
        field
        for field in meta.concrete_fields
        if not getattr(field, "generated", False) and not (field.primary_key and field.db_returning)
    )
    returned = tuple(field for field in meta.concrete_fields if field.db_returning) or (meta.pk,)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from model meta
        f"SELECT * FROM UNNEST({arrays}) "
        f"RETURNING {', '.join(quote(field.column) for field in returned)}"
    )
    return _Insert(sql=sql, fields=fields, returned=returned)
