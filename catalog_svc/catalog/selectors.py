"""Reads of the catalog: typo-tolerant drug search and warehouse lists."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Case, Count, Q, QuerySet, Value, When, Window

from catalog.identifiers import search_digits
from catalog.models import Drug, Warehouse
from catalog.search import matching_terms
from common.prepared import Param, PreparedQuery

# Below this many digits an identifier query would match most of the catalog.
MIN_IDENTIFIER_DIGITS = 3
# Pages of a word search whose statement stays compiled (see ``_page_statement``).
PREPARED_PAGES = 64


def drug_list() -> QuerySet[Drug]:
    return Drug.objects.order_by("name", "id")


def drug_search(*, queryset: QuerySet[Drug], query: str) -> QuerySet[Drug]:
    """Drugs matching ``query``; those containing every word as typed come first.

    Digits (with or without hyphens) search NDCs and GTINs by substring, so a partial NDC,
    its 10- or 11-digit form or a scanned GTIN all find the drug (GIN trigram indexes).
    Words must each match a word of the name or generic name exactly, as a prefix
    ("metfor") or approximately ("atorvastatn", "metfromin"): see ``catalog.search``.
    """
    query = query.strip()
    if not query:
        return queryset
    if _is_identifier(query):
        digits = search_digits(query)
        matches = Q(ndc__contains=query) | Q(ndc11__contains=digits) | Q(gtin__contains=digits)
        return queryset.filter(matches).order_by("ndc11", "id")
    terms = matching_terms(query)
    if not terms or not all(terms.values()):
        return queryset.none()  # some word matches nothing in the catalog
    return _matching_words(queryset, terms=list(terms.values()), asked=list(terms))


def drug_search_all(*, query: str) -> "QuerySet[Drug] | DrugsMatchingWords":
    """``drug_search`` over the whole catalog, for a search with no other filter: a word
    search comes back as :class:`DrugsMatchingWords`, whose pages are statements compiled
    once per process instead of query sets built and compiled on every request."""
    query = query.strip()
    if not query or _is_identifier(query):
        return drug_search(queryset=drug_list(), query=query)
    terms = matching_terms(query)
    if not terms or not all(terms.values()):
        return DrugsMatchingWords(terms=(), asked=())
    return DrugsMatchingWords(terms=tuple(terms.values()), asked=tuple(terms))


@dataclass(frozen=True)
class DrugsMatchingWords:
    """The drugs whose words overlap each of ``terms`` (one list of catalog words per query
    word; none when empty), ordered as ``drug_search`` orders them, as a sequence that
    ``common.pagination.WindowCountPagination`` pages through: a page and the count are one
    statement.

    A one-word search reads its matches' postings (``DrugWord``) from their index alone and
    only the page's drugs; one of several words intersects the words' matches in the drugs'
    GIN index before it reads a drug, which grouping postings cannot do. At 100,000 drugs
    (``tests/test_search_benchmark.py``'s catalog) a page of "tablet" (40,095 matches) took
    42 ms this way against 85 ms through the GIN index, "acet" (3,433) 3.4 against 8.2 ms;
    "calcium tablet" would take 30 ms through the postings, against 2.3 ms."""

    terms: tuple[list[str], ...]
    asked: tuple[str, ...]

    def rows_with_count(self, start: int, stop: int) -> tuple[list[Drug], int | None]:
        if not self.terms:
            return [], None
        if len(self.terms) == 1:
            return _one_word_page(self.terms[0], self.asked[0], start, stop)
        rows = _page_statement(len(self.terms), start, stop)(**self._params())
        return rows, rows[0]._window_count if rows else None

    def count(self) -> int:
        if not self.terms:
            return 0
        # Only for the last page by name (?page=last) or a page past it: no rows to carry it.
        return _matching_words(Drug.objects.all(), terms=self.terms, asked=self.asked).count()

    def _params(self) -> dict:
        words = {f"terms{i}": matches for i, matches in enumerate(self.terms)}
        return {**words, "asked": list(self.asked)}


# A page of a one-word search and the count of all its matches. The postings of the words the
# query word matches, one group per drug (a drug may have two of them); the drugs with the
# word as typed first, then by name, as ``_matching_words`` orders them; a window over the
# groups counts them all; the drugs' table gives the page's rows only.
_ONE_WORD_PAGE_SQL = """
WITH page AS (
    SELECT drug_id, name, bool_or(word = %(asked)s) AS as_typed, count(*) OVER () AS matches
    FROM catalog_drugword WHERE word = ANY(%(matches)s)
    GROUP BY drug_id, name
    ORDER BY as_typed DESC, name, drug_id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT {columns}, page.matches
FROM page JOIN catalog_drug AS drug ON drug.id = page.drug_id
ORDER BY page.as_typed DESC, page.name, page.drug_id
"""


def _one_word_page(
    matches: list[str], asked: str, start: int, stop: int
) -> tuple[list[Drug], int | None]:
    sql, fields = _one_word_page_statement()
    params = {"matches": matches, "asked": asked, "limit": stop - start, "offset": start}
    alias = router.db_for_read(Drug)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Drug.from_db(alias, fields, row[:-1]) for row in rows], rows[0][-1] if rows else None


@functools.cache
def _one_word_page_statement() -> tuple[str, list[str]]:
    """The page's SQL, and its drug columns as ``Drug.from_db`` takes them (attribute names,
    in the same order). None of a drug's columns needs a converter on Postgres, so the rows
    are the drugs' values as they come."""
    columns = Drug._meta.concrete_fields
    sql = _ONE_WORD_PAGE_SQL.format(columns=", ".join(f"drug.{c.column}" for c in columns))
    return sql, [column.attname for column in columns]


def _is_identifier(query: str) -> bool:
    digits = search_digits(query)
    return digits is not None and len(digits) >= MIN_IDENTIFIER_DIGITS


def _matching_words(queryset: QuerySet[Drug], *, terms: Sequence, asked) -> QuerySet[Drug]:
    """``queryset``'s drugs whose words overlap each of ``terms``; those containing every
    word of ``asked`` first, then by name. Values or ``Param``s."""
    for matches in terms:
        queryset = queryset.filter(search_words__overlap=matches)
    as_typed = Case(When(search_words__contains=asked, then=Value(1)), default=Value(0))
    return queryset.order_by(as_typed.desc(), "name", "id")


@functools.lru_cache(maxsize=PREPARED_PAGES)
def _page_statement(words: int, start: int, stop: int) -> PreparedQuery:
    """Rows ``start`` to ``stop`` of a search for ``words`` words, with the count of all
    matches (``COUNT(*) OVER ()``). The statement's LIMIT and OFFSET are written into it,
    so each page and page size has its own; the first pages are nearly all that is read."""
    return PreparedQuery(
        lambda: _matching_words(
            Drug.objects.all(),
            terms=[Param(f"terms{i}") for i in range(words)],
            asked=Param("asked"),
        ).annotate(_window_count=Window(Count("pk")))[start:stop]
    )


def warehouse_list(*, owner_org: int | None) -> QuerySet[Warehouse]:
    """Warehouses of ``owner_org``, or every warehouse when it is ``None`` (admin)."""
    warehouses = Warehouse.objects.order_by("name", "id")
    return warehouses if owner_org is None else warehouses.filter(owner_org=owner_org)
