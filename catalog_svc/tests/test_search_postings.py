"""The search's postings (``DrugWord``) hold every word of every drug with its name, however
the drugs change (the services, bulk inserts, plain updates, deletes), and a word search
reads only the drugs of the page it answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Drug, DrugWord
from catalog.search import search_terms_refresh
from catalog.services import drug_update
from tests.factories import DrugFactory

DRUGS = "/api/catalog/drugs/"


def postings() -> set[tuple[str, str, int]]:
    return set(DrugWord.objects.values_list("word", "name", "drug_id"))


def expected() -> set[tuple[str, str, int]]:
    """What the postings must hold, from the drugs themselves."""
    return {(word, drug.name, drug.pk) for drug in Drug.objects.all() for word in drug.search_words}


@pytest.mark.django_db
def test_the_postings_follow_every_change_of_the_drugs():
    ator, metf, ibu = (
        DrugFactory(name="Atorvastatin Calcium 10 mg Tablet", generic_name="atorvastatin calcium"),
        DrugFactory(name="Metformin 500 mg Tablet", generic_name="metformin"),
        DrugFactory(name="Ibuprofen 200 mg Tablet", generic_name="ibuprofen"),
    )
    assert postings() == expected()
    assert ("atorvastatin", ator.name, ator.pk) in postings()
    # A word in both the name and the generic name is one posting.
    assert DrugWord.objects.filter(drug=ator, word="atorvastatin").count() == 1

    Drug.objects.bulk_create(
        DrugFactory.build(name=f"Amoxicillin {mg} mg Capsule", generic_name="amoxicillin")
        for mg in (250, 500)
    )
    drug_update(drug=metf, changes={"name": "Glucophage 500 mg Tablet"})
    Drug.objects.filter(pk=ibu.pk).update(generic_name="ibuprofen lysine")
    assert postings() == expected()
    assert not DrugWord.objects.filter(drug=metf, name="Metformin 500 mg Tablet").exists()
    assert ("lysine", ibu.name, ibu.pk) in postings()

    before = {row.pk: row for row in DrugWord.objects.all()}
    Drug.objects.update(list_price=None, active=False)  # no name or word changes
    assert {row.pk: row for row in DrugWord.objects.all()} == before

    Drug.objects.filter(pk__in=[ator.pk, ibu.pk]).delete()
    assert postings() == expected()
    assert not DrugWord.objects.filter(drug_id__in=[ator.pk, ibu.pk]).exists()


@pytest.mark.django_db
def test_a_drug_renamed_without_the_services_is_found_by_its_new_name(hospital):
    drug = DrugFactory(name="Lipitor 10 mg Tablet", generic_name="atorvastatin calcium")
    DrugFactory(name="Atorvastatin Calcium 20 mg Tablet", generic_name="atorvastatin calcium")
    Drug.objects.filter(pk=drug.pk).update(name="Atorvastatin Calcium 10 mg Tablet")
    body = hospital.get(DRUGS, {"search": "atorvastatin"}).json()
    assert [found["name"] for found in body["results"]] == [
        "Atorvastatin Calcium 10 mg Tablet",
        "Atorvastatin Calcium 20 mg Tablet",
    ]


def _drug_rows_read(sql: str, params) -> int:
    """Rows the statement reads from the drugs' table, as Postgres ran it."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    read, nodes = 0, [plan]
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == "catalog_drug":
            read += node["Actual Rows"] * node["Actual Loops"]
        nodes.extend(node.get("Plans", []))
    return read


@pytest.mark.django_db
def test_a_word_search_reads_only_the_drugs_of_its_page(hospital):
    Drug.objects.bulk_create(
        DrugFactory.build(name=f"{molecule} {mg} mg Tablet", generic_name=molecule.lower())
        for molecule in ("Acetaminophen", "Amlodipine", "Lisinopril", "Metoprolol")
        for mg in range(1, 501)
    )
    DrugFactory(name="Acetazolamide 250 mg Tablet", generic_name="acetazolamide")
    search_terms_refresh()  # as drug_create does for each drug
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_drug")
        cursor.execute("ANALYZE catalog_drugword")
    hospital.get(DRUGS, {"search": "acet", "page_size": 5})
    with CaptureQueriesContext(connection) as queries:
        response = hospital.get(DRUGS, {"search": "acet", "page_size": 5, "page": 3})
    body = response.json()
    assert body["count"] == 501
    by_name = Drug.objects.filter(name__startswith="Acet").order_by("name", "id")
    assert [drug["id"] for drug in body["results"]] == [drug.pk for drug in by_name[10:15]]
    # The vocabulary's look-up, then the page with its count.
    words, page = (query["sql"] for query in queries.captured_queries)
    assert "catalog_searchterm" in words
    # The statement as it ran, its values written in: EXPLAIN it again with none to pass.
    assert _drug_rows_read(page, None) == 5
