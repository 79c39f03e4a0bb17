"""One row by primary key, without compiling the same query again on every request.

``Model.objects.get(pk=...)`` builds and compiles its SQL anew on each call, and even a raw
query set works out its column mapping and converters per call: on a one-row read such as a
drug's detail that was a quarter of the CPU, for a statement that never changes.
:func:`get_by_pk` prepares the statement, and the converters the ORM's compiler would apply
to each column, once per model, and builds the instance with ``Model.from_db`` as the ORM
does.
"""

import functools
from dataclasses import dataclass

from django.db import connections, models, router


@dataclass(frozen=True)
class _Statement:
    sql: str
    lowest: int
    highest: int
    # Per column: the backend's and the field's converters, and the column they convert.
    converters: tuple[tuple[int, tuple, models.Expression], ...]


def get_by_pk(model: type[models.Model], pk: int) -> models.Model | None:
    """The ``model`` row whose integer primary key is ``pk``, or None.

    A ``pk`` outside the column's range names no row (as with the ORM since Django 5.0),
    rather than letting the database refuse the statement.
    """
    alias = router.db_for_read(model)
    statement = _statement(model, alias)
    if not statement.lowest <= pk <= statement.highest:
        return None
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, converters, column in statement.converters:
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(alias, None, values)


@functools.cache
def _statement(model: type[models.Model], alias: str) -> _Statement:
    connection = connections[alias]
    meta = model._meta
    internal_type = meta.pk.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        raise TypeError(f"{meta.label} has a {internal_type} primary key; only integers here.")
    quote = connection.ops.quote_name
    columns = [field.get_col(meta.db_table) for field in meta.concrete_fields]
    converters = []
    for index, column in enumerate(columns):
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, tuple(found), column))
    names = ", ".join(quote(field.column) for field in meta.concrete_fields)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    lowest, highest = connection.ops.integer_field_range(internal_type)
    return _Statement(
        sql=f"SELECT {names} FROM {table} WHERE {pk} = %s",  # noqa: S608 - names from model meta
        lowest=lowest,
        highest=highest,
        converters=tuple(converters),
    )
