"""Reads of the catalog: typo-tolerant drug search and warehouse lists."""

from django.db.models import Case, Q, QuerySet, Value, When

from catalog.identifiers import search_digits
from catalog.models import Drug, Warehouse
from catalog.search import matching_terms

# Below this many digits an identifier query would match most of the catalog.
MIN_IDENTIFIER_DIGITS = 3


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
    digits = search_digits(query)
    if digits is not None and len(digits) >= MIN_IDENTIFIER_DIGITS:
        matches = Q(ndc__contains=query) | Q(ndc11__contains=digits) | Q(gtin__contains=digits)
        return queryset.filter(matches).order_by("ndc11", "id")
    terms = matching_terms(query)
    if not terms or not all(terms.values()):
        return queryset.none()  # some word matches nothing in the catalog
    for matches in terms.values():
        queryset = queryset.filter(search_words__overlap=matches)
    as_typed = Case(When(search_words__contains=list(terms), then=Value(1)), default=Value(0))
    return queryset.order_by(as_typed.desc(), "name", "id")


def warehouse_list(*, owner_org: int | None) -> QuerySet[Warehouse]:
    """Warehouses of ``owner_org``, or every warehouse when it is ``None`` (admin)."""
    warehouses = Warehouse.objects.order_by("name", "id")
    return warehouses if owner_org is None else warehouses.filter(owner_org=owner_org)
