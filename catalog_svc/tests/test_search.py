"""A search with no other filter skips DrugFilter's form and runs prepared statements
(``catalog.selectors.DrugsMatchingWords``): its answers, errors and pages must be those of
the same search through the form."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.factories import DrugFactory

DRUGS = "/api/catalog/drugs/"
# A filter left empty: the form accepts it and filters nothing, but the request goes through it.
THROUGH_THE_FORM = {"active": ""}


@pytest.fixture
def shelf(db):
    """Atorvastatin in several strengths and brands (three pages of three), some others."""
    for strength in (10, 20, 40, 80):
        DrugFactory(
            name=f"Atorvastatin Calcium {strength} mg Tablet", generic_name="atorvastatin calcium"
        )
    DrugFactory(name="Lipitor 10 mg Tablet", generic_name="atorvastatin calcium")
    DrugFactory(name="Atorva 10 mg Tablet", generic_name="atorvastatin calcium")
    DrugFactory(name="Atorvaliq 20 mg/5 mL Oral Suspension", generic_name="atorvastatin calcium")
    DrugFactory(name="Amlodipine and Atorvastatin 5/10 mg", generic_name="amlodipine atorvastatin")
    DrugFactory(name="Calcium Carbonate 500 mg Tablet", generic_name="calcium carbonate")
    DrugFactory(name="Metformin Hydrochloride 500 mg Tablet", generic_name="metformin")
    DrugFactory(name="Ibuprofen 200 mg Tablet", generic_name="ibuprofen", rx_only=False)


def _answer(response) -> tuple:
    """Status and body, the links' query parameters apart from THROUGH_THE_FORM's."""
    body = response.json()
    for link in ("next", "previous"):
        if body.get(link):
            query = dict(parse_qsl(urlsplit(body[link]).query, keep_blank_values=True))
            body[link] = {k: v for k, v in query.items() if k not in THROUGH_THE_FORM}
    return response.status_code, body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "atorvastatin",
        "atorva",
        "atorvastatn 20",
        "calcium tablet",
        "tablet",
        "  ATORVA  ",
        "xylophone",
        "atorvastatin xylophone",
        "-",
        "5000",  # an identifier: the ORM's query set, not the prepared statement
    ],
)
@pytest.mark.parametrize(
    "pages",
    [{}, {"page_size": 3}, {"page_size": 3, "page": 2}, {"page_size": 3, "page": "last"}],
)
def test_a_search_alone_answers_as_through_the_filter_form(hospital, shelf, query, pages):
    alone = hospital.get(DRUGS, {"search": query, **pages})
    through_the_form = hospital.get(DRUGS, {"search": query, **pages, **THROUGH_THE_FORM})
    assert _answer(alone) == _answer(through_the_form)


@pytest.mark.django_db
def test_the_prepared_search_pages_in_order_with_the_count(hospital, shelf):
    pages = [
        hospital.get(DRUGS, {"search": "atorva", "page_size": 3, "page": n}) for n in (1, 2, 3)
    ]
    bodies = [page.json() for page in pages]
    names = [drug["name"] for body in bodies for drug in body["results"]]
    assert [body["count"] for body in bodies] == [8, 8, 8]
    # The word as typed first, then the other matches by name.
    assert names == [
        "Atorva 10 mg Tablet",
        "Amlodipine and Atorvastatin 5/10 mg",
        "Atorvaliq 20 mg/5 mL Oral Suspension",
        "Atorvastatin Calcium 10 mg Tablet",
        "Atorvastatin Calcium 20 mg Tablet",
        "Atorvastatin Calcium 40 mg Tablet",
        "Atorvastatin Calcium 80 mg Tablet",
        "Lipitor 10 mg Tablet",
    ]
    assert bodies[2]["next"] is None
    past_the_end = hospital.get(DRUGS, {"search": "atorva", "page_size": 3, "page": 4})
    assert past_the_end.status_code == 404
    assert past_the_end.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"search": "a" * 201}, "invalid"),
        ({"search": "atorva", "page_size": "0"}, "invalid_page_size"),
        ({"search": "atorva", "page_size": "201"}, "invalid_page_size"),
        ({"search": "atorva", "schedule": "CVI"}, "invalid"),
    ],
)
def test_refused_searches_are_refused_alike(hospital, shelf, params, code):
    alone = hospital.get(DRUGS, params)
    through_the_form = hospital.get(DRUGS, {**params, **THROUGH_THE_FORM})
    assert alone.status_code == 400
    assert alone.json()["code"] == code
    assert alone.json() == through_the_form.json()


@pytest.mark.django_db
def test_two_hundred_letters_padded_with_spaces_are_a_search(hospital, shelf):
    assert hospital.get(DRUGS, {"search": f"  {'a' * 200}  "}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["atorvastatin", "atorva calcium 20", "xylophone"])
@pytest.mark.parametrize("page", [1, 2])
def test_a_word_search_is_two_statements(hospital, shelf, django_assert_num_queries, query, page):
    hospital.get(DRUGS, {"search": query, "page_size": 1, "page": page})  # compiled here
    # The words' matches, then the page with its count (none when a word matches nothing).
    with django_assert_num_queries(1 if query == "xylophone" else 2):
        response = hospital.get(DRUGS, {"search": query, "page_size": 1, "page": page})
    assert response.status_code == (404 if query == "xylophone" and page == 2 else 200)
