"""Search latency at 100,000 drugs: load a catalog that size (COPY, with every index in
place), then time the drug search endpoint end to end for typical queries.

The numbers are printed (``pytest -s``) and each query must answer well under the budget.
"""

import io
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.identifiers import gtin_check_digit
from catalog.models import Drug, SearchTerm
from catalog.search import matching_terms, search_terms_refresh
from common.demo.catalog import drugs
from tests.plans import plan_of

DRUGS = "/api/catalog/drugs/"
SIZE = 100_000
RUNS = 7
# Budget per request through the whole stack (auth, filter, count, page, JSON), median.
MEDIAN_BUDGET_MS = 150
MAX_BUDGET_MS = 400
QUERIES = {
    "typo": "atorvastatn",
    "transposed": "metfromin",
    "prefix": "amlod",
    "two words": "lisinopril 20",
    "two generics": "oxycodone acetaminophen",
    "common word": "tablet",
    "short prefix": "hy",
}
MANUFACTURERS = [
    "Teva Pharmaceuticals USA",
    "Mylan Pharmaceuticals",
    "Sandoz",
    "Lupin Pharmaceuticals",
    "Aurobindo Pharma",
    "Sun Pharmaceutical Industries",
    "Zydus Pharmaceuticals",
    "Cipla USA",
    "Amneal Pharmaceuticals",
    "Hikma Pharmaceuticals USA",
]
STRENGTHS = ["1 mg", "2.5 mg", "5 mg", "10 mg", "20 mg", "40 mg", "50 mg", "100 mg", "250 mg"]
FORMS = ["tablet", "capsule", "oral solution", "injection vial", "extended-release tablet"]


SYLLABLES = ["ka", "lo", "ri", "zen", "tra", "vel", "mo", "xa", "pri", "dor", "lu", "ny", "sto"]


def _brand(rng: random.Random) -> str:
    """A made-up brand name, so that the vocabulary is as large as a real catalog's."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()


def _catalog_rows() -> io.StringIO:
    """100k plausible drugs: demo generics in many strengths, forms and makers, a third
    of them under a brand name."""
    rng = random.Random(42)
    generics = [row.generic_name for row in drugs()]
    rows = io.StringIO()
    for i in range(SIZE):
        generic = generics[i % len(generics)]
        strength, form = rng.choice(STRENGTHS), rng.choice(FORMS)
        labeler, product = 10000 + i // 1000, i % 1000
        ndc10 = f"{labeler:05d}{product:03d}01"
        gtin = "003" + ndc10 + gtin_check_digit("003" + ndc10)
        label = _brand(rng) if i % 3 == 0 else generic.title()
        name = f"{label} {strength} {form.title()}"
        fields = [
            f"{labeler:05d}-{product:03d}-01",
            f"{labeler:05d}0{product:03d}01",
            gtin,
            name,
            generic,
            strength,
            form,
            rng.choice(MANUFACTURERS),
            rng.choice(["", "", "", "", "CII", "CIV"]),
            rng.choice(["t", "t", "f"]),
            "f",
            "100",
            "tablet",
            "10",
            "USD",
            "t",
        ]
        rows.write("\t".join(fields) + "\n")
    rows.seek(0)
    return rows


def _load_catalog() -> None:
    columns = (
        "ndc, ndc11, gtin, name, generic_name, strength, dosage_form, manufacturer, schedule, "
        "rx_only, cold_chain, pack_size, unit, reorder_point, currency, active, "
        "created_at, updated_at"
    )
    with connection.cursor() as cursor:
        # created_at/updated_at come from column defaults set just for the load.
        cursor.execute("ALTER TABLE catalog_drug ALTER created_at SET DEFAULT now()")
        cursor.execute("ALTER TABLE catalog_drug ALTER updated_at SET DEFAULT now()")
        cursor.cursor.copy_expert(
            f"COPY catalog_drug ({columns.rsplit(', created_at', 1)[0]}) FROM STDIN",
            _catalog_rows(),
        )
        cursor.execute(
            "SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index "
            "JOIN pg_class ON pg_class.oid = indexrelid "
            "WHERE indrelid = 'catalog_drug'::regclass AND relam = "
            "(SELECT oid FROM pg_am WHERE amname = 'gin')"
        )
        cursor.execute("ANALYZE catalog_drug")
    search_terms_refresh()


def _plan_of_vocabulary_lookup(query: str) -> str:
    """How Postgres matches ``query``'s words against the vocabulary, as it runs it."""
    with CaptureQueriesContext(connection) as queries:
        matching_terms(query)
    return plan_of(queries[0]["sql"])


def _time_ms(client, params) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(DRUGS, params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content
    return elapsed, response.json()


@pytest.mark.django_db
def test_search_stays_fast_at_100k_drugs(hospital):
    started = time.perf_counter()
    _load_catalog()
    load_seconds = time.perf_counter() - started
    assert Drug.objects.count() == SIZE
    vocabulary = SearchTerm.objects.count()
    # Right after a full refresh of the vocabulary, not only once autovacuum has come by.
    assert "catalog_searchterm_trgm" in _plan_of_vocabulary_lookup("atorvastatn")
    cases = {label: {"search": query} for label, query in QUERIES.items()}
    sample = Drug.objects.order_by("pk")[SIZE // 2]
    cases["partial NDC"] = {"search": sample.ndc[:9]}
    cases["11-digit NDC"] = {"search": sample.ndc11}
    cases["GTIN"] = {"search": sample.gtin}
    cases["filter: schedule+manufacturer"] = {"schedule": "CII", "manufacturer": "sandoz"}
    cases["search + filter"] = {"search": "hydrocodone", "rx_only": "true", "schedule": "CII"}
    cases["no filter, page 50"] = {"page": 50}

    report = [
        f"\nloaded {SIZE} drugs ({vocabulary} distinct words) in {load_seconds:.1f}s; "
        f"{RUNS} runs per query"
    ]
    slow = []
    for label, params in cases.items():
        _time_ms(hospital, params)  # warm the plan and the buffers once
        timings, body = zip(*(_time_ms(hospital, params) for _ in range(RUNS)), strict=True)
        median, worst = statistics.median(timings), max(timings)
        first = body[0]["results"][0]["name"] if body[0]["results"] else "-"
        report.append(
            f"{label:32} median {median:6.1f} ms  max {worst:6.1f} ms  "
            f"{body[0]['count']:6d} hits  first: {first}"
        )
        assert body[0]["count"] > 0, label
        if median > MEDIAN_BUDGET_MS or worst > MAX_BUDGET_MS:
            slow.append(label)
    print("\n".join(report))
    assert not slow, f"over budget: {slow}"
