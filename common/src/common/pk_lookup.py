"""One row by primary key, without compiling the same query again on every request.

``Model.objects.get(pk=...)`` builds and compiles its SQL anew on each call: on a one-row read
such as a drug's detail that is a quarter of the CPU, for a statement that never changes.
:func:`get_by_pk` writes it once per model and runs it as a raw query, which still applies
the backend's converters and returns a full model instance.
"""

import functools

from django.db import connections, models, router


def get_by_pk(model: type[models.Model], pk: int) -> models.Model | None:
    """The ``model`` row whose integer primary key is ``pk``, or None.

    A ``pk`` outside the column's range names no row (as with the ORM since Django 5.0),
    rather than letting the database refuse the statement.
    """
    alias = router.db_for_read(model)
    sql, (lowest, highest) = _by_pk(model, alias)
    if not lowest <= pk <= highest:
        return None
    return next(iter(model._default_manager.db_manager(alias).raw(sql, [pk])), None)


@functools.cache
def _by_pk(model: type[models.Model], alias: str) -> tuple[str, tuple[int, int]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    internal_type = meta.pk.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        raise TypeError(f"{meta.label} has a {internal_type} primary key; only integers here.")
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608 - names from model meta
    return sql, connection.ops.integer_field_range(internal_type)
