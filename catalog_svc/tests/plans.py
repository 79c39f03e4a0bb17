"""How Postgres would run a statement, as ``EXPLAIN`` prints it: for tests that a statement
reads the index it is written for."""

from django.db import connection


def plan_of(sql: str) -> str:
    """``EXPLAIN`` of ``sql``, a statement as it was sent (its values written in)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
