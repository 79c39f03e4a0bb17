"""Drugs: reading and searching for every signed-in caller, changes for distributors and
admins, identifier validation and duplicates."""

import pytest
from prometheus_client import REGISTRY

from catalog.models import Drug
from tests.factories import DrugFactory, gtin_for

DRUGS = "/api/catalog/drugs/"
NEW_DRUG = {
    "ndc": "0093-7146-56",
    "gtin": gtin_for("0093-7146-56"),
    "name": "Atorvastatin Calcium 80 mg Tablet",
    "generic_name": "atorvastatin calcium",
    "strength": "80 mg",
    "dosage_form": "tablet",
    "manufacturer": "Teva Pharmaceuticals USA",
    "schedule": "",
    "rx_only": True,
    "pack_size": 90,
    "unit": "tablet",
}
# The contract (API.md): what every drug in an answer carries.
API_FIELDS = set(
    "id ndc gtin name generic_name strength dosage_form manufacturer schedule rx_only "  # noqa: SIM905
    "cold_chain pack_size unit active".split()
)


@pytest.fixture
def shelf(db):
    """A small catalog to search in."""
    return {
        "atorva": DrugFactory(
            ndc="0093-5558-29",
            gtin=gtin_for("0093-5558-29"),
            name="Atorvastatin Calcium 20 mg Tablet",
            generic_name="atorvastatin calcium",
            manufacturer="Teva Pharmaceuticals USA",
        ),
        "metformin": DrugFactory(
            ndc="68180-936-48",
            gtin=gtin_for("68180-936-48"),
            name="Metformin Hydrochloride 500 mg Tablet",
            generic_name="metformin hydrochloride",
            manufacturer="Lupin Pharmaceuticals",
        ),
        "oxycodone": DrugFactory(
            name="Oxycodone Hydrochloride 5 mg Tablet",
            generic_name="oxycodone hydrochloride",
            schedule="CII",
            manufacturer="SpecGx LLC",
        ),
        "ibuprofen": DrugFactory(
            name="Ibuprofen 200 mg Tablet", generic_name="ibuprofen", rx_only=False
        ),
        "lipitor": DrugFactory(name="Lipitor 40 mg Tablet", generic_name="atorvastatin calcium"),
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_any_signed_in_caller_reads_the_catalog(hospital, shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = hospital.get(DRUGS).json()
    assert body["count"] == 5
    assert set(body["results"][0]) >= API_FIELDS
    detail = hospital.get(f"{DRUGS}{shelf['ibuprofen'].pk}/").json()
    assert detail["rx_only"] is False


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client, shelf):
    assert api_client().get(DRUGS).status_code == 401


@pytest.mark.django_db
def test_a_drugs_detail_is_one_statement(hospital, shelf, django_assert_num_queries):
    atorva = shelf["atorva"]
    with django_assert_num_queries(1):
        body = hospital.get(f"{DRUGS}{atorva.pk}/").json()
    assert set(body) >= API_FIELDS
    assert (body["id"], body["ndc"], body["name"]) == (atorva.pk, "0093-5558-29", atorva.name)


@pytest.mark.django_db
@pytest.mark.parametrize("drug_id", [999999, 2**63])
def test_unknown_drug_is_404(hospital, drug_id):
    response = hospital.get(f"{DRUGS}{drug_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("atorvastatn", "Atorvastatin Calcium 20 mg Tablet"),  # a typo
        ("atorv", "Atorvastatin Calcium 20 mg Tablet"),  # a prefix
        ("metfromin", "Metformin Hydrochloride 500 mg Tablet"),  # transposed letters
        ("oxycodon 5 mg", "Oxycodone Hydrochloride 5 mg Tablet"),
        ("0093-5558", "Atorvastatin Calcium 20 mg Tablet"),  # partial NDC
        ("00093555829", "Atorvastatin Calcium 20 mg Tablet"),  # 11-digit NDC
        ("6818093648", "Metformin Hydrochloride 500 mg Tablet"),  # NDC-10 digits, no hyphens
        (gtin_for("68180-936-48"), "Metformin Hydrochloride 500 mg Tablet"),  # scanned GTIN
    ],
)
def test_search_tolerates_typos_and_finds_identifiers(hospital, shelf, query, expected):
    found = names(hospital.get(DRUGS, {"search": query}))
    assert found[0] == expected
    assert "Ibuprofen 200 mg Tablet" not in found


@pytest.mark.django_db
def test_search_puts_drugs_with_the_words_as_typed_first(hospital, shelf):
    DrugFactory(name="Roxy oxycodon 5 mg Tablet", generic_name="oxycodon")
    found = names(hospital.get(DRUGS, {"search": "oxycodon"}))
    assert found == ["Roxy oxycodon 5 mg Tablet", "Oxycodone Hydrochloride 5 mg Tablet"]


@pytest.mark.django_db
def test_search_by_generic_name_finds_brands_too(hospital, shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the words' matches, the page with its count
        body = hospital.get(DRUGS, {"search": "atorvastatin"}).json()
    found = [drug["name"] for drug in body["results"]]
    assert set(found) == {"Atorvastatin Calcium 20 mg Tablet", "Lipitor 40 mg Tablet"}
    assert body["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["xylophone", "atorvastatin xylophone", "2000", "-"])
def test_search_finds_nothing_rather_than_guessing(hospital, shelf, query):
    assert names(hospital.get(DRUGS, {"search": query})) == []


@pytest.mark.django_db
def test_newly_added_and_renamed_drugs_are_searchable(distributor, hospital, shelf):
    drug = shelf["ibuprofen"]
    distributor.patch(f"{DRUGS}{drug.pk}/", {"name": "Advilex 200 mg Tablet"}, format="json")
    assert names(hospital.get(DRUGS, {"search": "advilex"})) == ["Advilex 200 mg Tablet"]
    distributor.post(DRUGS, NEW_DRUG, format="json")
    assert "Atorvastatin Calcium 80 mg Tablet" in names(
        hospital.get(DRUGS, {"search": "atorva 80"})
    )


@pytest.mark.django_db
def test_filters(hospital, shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert names(hospital.get(DRUGS, {"schedule": "CII"})) == [
            "Oxycodone Hydrochloride 5 mg Tablet"
        ]
    assert "Oxycodone Hydrochloride 5 mg Tablet" not in names(
        hospital.get(DRUGS, {"schedule": "none"})
    )
    assert names(hospital.get(DRUGS, {"rx_only": "false"})) == ["Ibuprofen 200 mg Tablet"]
    assert names(hospital.get(DRUGS, {"manufacturer": "lupin"})) == [
        "Metformin Hydrochloride 500 mg Tablet"
    ]
    assert names(hospital.get(DRUGS, {"search": "tablet", "schedule": "CII"})) == [
        "Oxycodone Hydrochloride 5 mg Tablet"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"schedule": "CVI"}, {"rx_only": "maybe"}])
def test_bad_filter_values_are_400(hospital, shelf, params):
    response = hospital.get(DRUGS, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_huge_pages_are_refused(hospital, shelf):
    response = hospital.get(DRUGS, {"page_size": 5000})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size"


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["distributor", "admin_api"])
def test_distributors_and_admins_add_drugs(request, client_name):
    response = request.getfixturevalue(client_name).post(DRUGS, NEW_DRUG, format="json")
    assert response.status_code == 201, response.content
    drug = Drug.objects.get(pk=response.json()["id"])
    assert (drug.ndc, drug.ndc11) == ("0093-7146-56", "00093714656")


@pytest.mark.django_db
def test_buyers_cannot_add_drugs(hospital):
    response = hospital.post(DRUGS, NEW_DRUG, format="json")
    assert response.status_code == 403
    assert not Drug.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"ndc": "0093-714656"}, "invalid_ndc", "ndc"),
        ({"ndc": "93-7146-56"}, "invalid_ndc", "ndc"),
        ({"gtin": gtin_for("0093-7146-56")[:-1] + "0"}, "invalid_gtin", "gtin"),
        ({"gtin": "0030093714"}, "invalid_gtin", "gtin"),
        ({"pack_size": 0}, "invalid", "pack_size"),
        ({"schedule": "CVI"}, "invalid", "schedule"),
    ],
)
def test_malformed_drugs_are_refused(distributor, change, code, field):
    if change.get("gtin", "").endswith("0") and change["gtin"] == NEW_DRUG["gtin"]:
        pytest.fail("the corrupted GTIN must differ from the valid one")
    response = distributor.post(DRUGS, {**NEW_DRUG, **change}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert field in response.json()["errors"]
    assert not Drug.objects.exists()


@pytest.mark.django_db
def test_duplicate_ndc_even_written_in_another_layout_is_409(distributor):
    assert distributor.post(DRUGS, NEW_DRUG, format="json").status_code == 201
    eleven_digit = {**NEW_DRUG, "ndc": "00093-7146-56", "gtin": gtin_for("0093-7146-57")}
    response = distributor.post(DRUGS, eleven_digit, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_ndc"
    assert Drug.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_gtin_is_409(distributor):
    assert distributor.post(DRUGS, NEW_DRUG, format="json").status_code == 201
    response = distributor.post(DRUGS, {**NEW_DRUG, "ndc": "0093-7146-57"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_gtin"


@pytest.mark.django_db
def test_patch_changes_and_revalidates(distributor, shelf):
    drug = shelf["ibuprofen"]
    url = f"{DRUGS}{drug.pk}/"
    response = distributor.patch(url, {"reorder_point": 40, "active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False
    taken = distributor.patch(url, {"ndc": shelf["atorva"].ndc}, format="json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "duplicate_ndc"
    drug.refresh_from_db()
    assert (drug.reorder_point, drug.ndc) == (40, drug.ndc)


@pytest.mark.django_db
def test_buyers_cannot_patch(hospital, shelf):
    response = hospital.patch(f"{DRUGS}{shelf['ibuprofen'].pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.mark.django_db
def test_a_drugs_detail_is_counted_and_timed_in_the_request_metrics(hospital, shelf):
    answers = {"status": "200", "view": "drug-detail", "method": "GET"}
    timed = {"view": "drug-detail", "method": "GET"}
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    before = [
        _sample("django_http_responses_total_by_status_view_method_total", **answers),
        _sample(latency, **timed),
    ]
    assert hospital.get(f"{DRUGS}{shelf['ibuprofen'].pk}/").status_code == 200
    after = [
        _sample("django_http_responses_total_by_status_view_method_total", **answers),
        _sample(latency, **timed),
    ]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1]
