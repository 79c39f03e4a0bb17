"""A query set compiled to SQL once per process, then run again with new parameters.

Building and compiling a query set (``filter``, ``Q`` trees, ``select_related``, ordering,
``DISTINCT ON``) costs far more CPU than running it: on a quote, whose three reads are the
same statements every time with other dates and drug ids, building and compiling them was
about half the CPU of the whole request. :class:`PreparedQuery` compiles the query set once,
with :class:`Param` where each run's values go, and builds the same model instances the ORM
would (``select_related`` and annotations included), applying the converters the compiler
chose.

A ``values()`` query set (aggregates by group, say) gives its rows as the ORM does, one dict
each, with the same converters.

The statement's shape is fixed, so anything that would change it goes into SQL instead:
a list of values is one array parameter (:class:`AnyOf`: ``col = ANY(%s)``), and an
absent value is ``None`` where ``col = NULL`` matches nothing. Values go to the database
driver as they are (``date``, ``int``, ``str``, a list), without the field's conversion.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, models, router
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators


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
    names: tuple[str, ...] | None  # a values() query's column names; None for instances
    model_columns: slice
    attnames: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]


class PreparedQuery:
    """``build()`` (a query set using :class:`Param`) compiled on first use, per database.

    Calling it with every parameter by name runs the statement and returns the instances.
    The query set yields model instances or, with ``values()``, dicts; no ``values_list()``,
    no ``prefetch_related``.
    """

    def __init__(self, build: Callable[[], models.QuerySet]):
        self._build = build
        self._model: type[models.Model] | None = None  # known once built
        self._statements: dict[str, _Statement] = {}

    def __call__(self, **params) -> list[models.Model] | list[dict]:
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
        if statement.names is not None:
            # As the ORM's: columns past the names (ordering a DISTINCT adds some) are not kept.
            named = statement.names
            return [
                dict(zip(named, _converted(statement, connection, row), strict=False))
                for row in rows
            ]
        return [_instance(statement, alias, connection, row) for row in rows]

    def _compile(self, queryset: models.QuerySet) -> _Statement:
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesIterable) or queryset._prefetch_related_lookups:
            raise TypeError("A prepared query yields model instances or dicts, with no prefetch.")
        alias = queryset.db
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        if iterable is ValuesIterable:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            model_columns, attnames, populators = slice(0), (), ()
        else:
            names, info = None, compiler.klass_info
            first, last = info["select_fields"][0], info["select_fields"][-1] + 1
            model_columns = slice(first, last)
            attnames = tuple(column.target.attname for column in columns[first:last])
            populators = tuple(get_related_populators(info, compiler.select, alias))
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
            model=queryset.model,
            names=names,
            model_columns=model_columns,
            attnames=attnames,
            populators=populators,
            annotations=tuple(compiler.annotation_col_map.items()),
        )
        self._model = queryset.model
        self._statements[alias] = statement
        return statement


def _converted(statement: _Statement, connection, row: tuple) -> list:
    values = list(row)
    for position, converters, expression in statement.converters:
        for converter in converters:
            values[position] = converter(values[position], expression, connection)
    return values


def _instance(statement: _Statement, alias: str, connection, row: tuple) -> models.Model:
    values = _converted(statement, connection, row)
    instance = statement.model.from_db(alias, statement.attnames, values[statement.model_columns])
    for populator in statement.populators:
        populator.populate(values, instance)
    for name, position in statement.annotations:
        setattr(instance, name, values[position])
    return instance
