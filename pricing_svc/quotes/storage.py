"""A quote and its lines stored in one statement, whose SQL is built once per process.

``Quote.objects.create`` then ``QuoteLine.objects.bulk_create`` compiled two INSERTs on every
quote and needed a transaction (a savepoint inside a request's) to keep them together: about
a third of a quote's CPU. One ``WITH quote AS (INSERT ...) INSERT ... SELECT FROM UNNEST``
statement is atomic by itself, and the same for any number of lines (one array per column).
Values are prepared as the ORM prepares them (defaults, ``auto_now_add``, each field's
``get_db_prep_save``).
"""

import functools

from django.db import connections, router

from quotes.models import Quote, QuoteLine


def quote_store(quote: Quote, lines: list[QuoteLine]) -> None:
    """Insert ``quote`` and ``lines`` (in that order, each line's ``quote`` set); the lines
    get their ids, and all of them become stored instances, as after ``save()``."""
    alias = router.db_for_write(Quote)
    quote_fields, line_fields, sql = _statement(alias)
    connection = connections[alias]  # this thread's, looked up once
    quote_row = [_prepared(field, quote, connection) for field in quote_fields]
    line_columns = [[_prepared(field, line, connection) for line in lines] for field in line_fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*quote_row, *line_columns])
        ids = [line_id for (line_id,) in cursor.fetchall()]
    for line, line_id in zip(lines, ids, strict=True):
        line.pk = line_id
    for instance in (quote, *lines):
        instance._state.adding = False
        instance._state.db = alias


def _prepared(field, instance, connection):
    return field.get_db_prep_save(field.pre_save(instance, True), connection)


@functools.cache
def _statement(alias: str) -> tuple[list, list, str]:
    connection = connections[alias]
    quote_meta, line_meta = Quote._meta, QuoteLine._meta
    quote_fields = list(quote_meta.concrete_fields)
    line_fields = [field for field in line_meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Arrays typed as their columns, so that an empty or all-NULL one still has a type.
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in line_fields)
    sql = (
        f"WITH quote AS (INSERT INTO {quote(quote_meta.db_table)} "  # noqa: S608 - from model meta
        f"({', '.join(quote(field.column) for field in quote_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(quote_fields))})) "
        f"INSERT INTO {quote(line_meta.db_table)} "
        f"({', '.join(quote(field.column) for field in line_fields)}) "
        f"SELECT * FROM UNNEST({arrays}) RETURNING {quote(line_meta.pk.column)}"
    )
    return quote_fields, line_fields, sql
