"""Reads of the catalog: typo-tolerant drug search and warehouse lists."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet
from django.db.models.functions import Greatest

from catalog.identifiers import search_digits
from catalog.models import Drug, Warehouse

# Words of a query beyond this many add little and cost one more index scan each.
MAX_SEARCH_WORDS = 5
# Below this many digits an identifier query would match most of the catalog.
MIN_IDENTIFIER_DIGITS = 3


def drug_list() -> QuerySet[Drug]:
    return Drug.objects.order_by("name", "id")


def drug_search(*, queryset: QuerySet[Drug], query: str) -> QuerySet[Drug]:
    """Drugs matching ``query``, best first.

    Digits (with or without hyphens) search NDCs and GTINs by substring, so a partial NDC,
    its 10- or 11-digit form or a scanned GTIN all find the drug. Words must each match the
    name or generic name as a substring or approximately (pg_trgm word similarity), which
    tolerates typos ("atorvastatn") and prefixes ("metfor"). Both are served by GIN trigram
    indexes.
    """
    query = query.strip()
    if not query:
        return queryset
    digits = search_digits(query)
    if digits is not None and len(digits) >= MIN_IDENTIFIER_DIGITS:
        matches = Q(ndc__contains=query) | Q(ndc11__contains=digits) | Q(gtin__contains=digits)
        return queryset.filter(matches).order_by("ndc11", "id")
    for word in query.lower().split()[:MAX_SEARCH_WORDS]:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(generic_name__icontains=word)
            | Q(name__trigram_word_similar=word)
            | Q(generic_name__trigram_word_similar=word)
        )
    rank = Greatest(
        TrigramWordSimilarity(query, "name"), TrigramWordSimilarity(query, "generic_name")
    )
    return queryset.annotate(rank=rank).order_by("-rank", "name", "id")


def warehouse_list(*, owner_org: int | None) -> QuerySet[Warehouse]:
    """Warehouses of ``owner_org``, or every warehouse when it is ``None`` (admin)."""
    warehouses = Warehouse.objects.order_by("name", "id")
    return warehouses if owner_org is None else warehouses.filter(owner_org=owner_org)
