"""One row by primary key, without compiling the same query again on every request.

``Model.objects.get(pk=...)`` builds and compiles its SQL anew on each call: on a one-row
read such as a drug's detail that was a quarter of the CPU, for a statement that never
changes. :func:`get_by_pk` runs a :class:`~common.prepared.PreparedQuery` per model instead.
"""

import functools

from django.db import connections, models, router

from common.prepared import Param, PreparedQuery


def get_by_pk(model: type[models.Model], pk: int) -> models.Model | None:
    """The ``model`` row whose integer primary key is ``pk``, or None.

    A ``pk`` outside the column's range names no row (as with the ORM since Django 5.0),
    rather than letting the database refuse the statement.
    """
    lowest, highest = _pk_range(model, router.db_for_read(model))
    if not lowest <= pk <= highest:
        return None
    found = _by_pk(model)(pk=pk)
    return found[0] if found else None


@functools.cache
def _by_pk(model: type[models.Model]) -> PreparedQuery:
    return PreparedQuery(lambda: model._base_manager.filter(pk=Param("pk")).order_by())


@functools.cache
def _pk_range(model: type[models.Model], alias: str) -> tuple[int, int]:
    connection = connections[alias]
    internal_type = model._meta.pk.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        raise TypeError(f"{model._meta.label} has a {internal_type} primary key; only integers.")
    return connection.ops.integer_field_range(internal_type)
