"""A query set compiled to SQL once per process, then run again with new parameters.

Building and compiling a query set (``filter``, ``Q`` trees, ``select_related``, ordering,
``DISTINCT ON``) costs far more CPU than running it: on a quote, whose three reads are the
same statements every time with other dates and drug ids, building and compiling them was
about half the CPU of the whole request. :class:`PreparedQuery` compiles the query set once,
with :class:`Param` where each run's values go, and builds the same model instances the ORM
would (``select_related`` and annotations included), applying the converters the compiler
chose.

The statement's shape is fixed, so anything that would change it goes into SQL instead:
a list of values is one array parameter (:class:`AnyOf`: ``col = ANY(%s)``), and an
absent value is ``None`` where ``col = NULL`` matches nothing. Values go to the database
driver as they are (``date``, ``int``, ``str``, a list), without the field's conversion.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, models, router
from django.db.models.query import ModelIterable, get_related_populators


class Param(models.Value):
    """Where a prepared query takes the value named ``name``:
    ``filter(valid_from__lte=Param("on"))`` is ``valid_from <= %s``."""

    template = "%s"

    def as_sql(self, compiler, connection):
        # A Value is not put in parentheses by its lookup, which ANY(...) must not be.
        return self.template, [_Slot(self.value)]


class AnyOf(Param):
    """A list parameter, any of whose values matches: ``filter(drug=AnyOf("drugs"))`` is
    ``drug = ANY(%s)``, the same statement for any number of drugs."""

    template = "ANY(%s)"


@dataclass(frozen=True)
class _Slot:
    name: str


@dataclass(frozen=True)
class _Statement:
    alias: str
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position in params, parameter name)
    # Per column: the backend's and the field's converters, and the expression they convert.
    converters: tuple[tuple[int, tuple, models.Expression], ...]
    model: type[models.Model]
    model_columns: slice
    attnames: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]


class PreparedQuery:
    """``build()`` (a query set using :class:`Param`) compiled on first use, per database.

    Calling it with every parameter by name runs the statement and returns the instances.
    The query set must yield model instances: no ``values()``, no ``prefetch_related``.
    """

    def __init__(self, build: Callable[[], models.QuerySet]):
        self._build = build
        self._model: type[models.Model] | None = None  # known once built
        self._statements: dict[str, _Statement] = {}

    def __call__(self, **params) -> list[models.Model]:
        alias = router.db_for_read(self._model) if self._model else None
        statement = self._statements.get(alias) or self._compile(self._build())
        alias = statement.alias
        values = list(statement.params)
        for position, name in statement.slots:
            values[position] = params[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, values)
            rows = cursor.fetchall()
        return [_instance(statement, alias, connection, row) for row in rows]

    def _compile(self, queryset: models.QuerySet) -> _Statement:
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise TypeError("A prepared query yields model instances, with no prefetch.")
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        info = compiler.klass_info
        first, last = info["select_fields"][0], info["select_fields"][-1] + 1
        statement = _Statement(
            alias=alias,
            sql=sql,
            params=tuple(params),
            slots=tuple(
                (position, param.name)
                for position, param in enumerate(params)
                if isinstance(param, _Slot)
            ),
            converters=tuple(
                (position, tuple(found), expression)
                for position, (found, expression) in compiler.get_converters(columns).items()
            ),
            model=info["model"],
            model_columns=slice(first, last),
            attnames=tuple(column.target.attname for column in columns[first:last]),
            populators=tuple(get_related_populators(info, compiler.select, alias)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )
        self._model = queryset.model
        self._statements[alias] = statement
        return statement


def _instance(statement: _Statement, alias: str, connection, row: tuple) -> models.Model:
    values = list(row)
    for position, converters, expression in statement.converters:
        for converter in converters:
            values[position] = converter(values[position], expression, connection)
    instance = statement.model.from_db(alias, statement.attnames, values[statement.model_columns])
    for populator in statement.populators:
        populator.populate(values, instance)
    for name, position in statement.annotations:
        setattr(instance, name, values[position])
    return instance
