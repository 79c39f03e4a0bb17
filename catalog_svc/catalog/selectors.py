"""Reads of the catalog: typo-tolerant drug search and warehouse lists."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

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
    prepared statement."""

    terms: tuple[list[str], ...]
    asked: tuple[str, ...]

    def rows_with_count(self, start: int, stop: int) -> tuple[list[Drug], int | None]:
        if not self.terms:
            return [], None
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
