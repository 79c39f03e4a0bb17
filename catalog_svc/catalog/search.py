"""Typo-tolerant word search over drug names (the pattern pg_trgm's documentation suggests
for large tables): each drug stores the words of its name and generic name, as Postgres'
``simple`` text-search parser splits them, in an array with a GIN index; a small vocabulary
of every word in the catalog (``SearchTerm``) is where a query's words are matched fuzzily.

A query word matches a catalog word that is equal to it, starts with it, or is close to it
(trigram similarity, or at most one or two edits for a transposed or missing letter). Drugs
then match when, for every query word, their words overlap its matches. Numbers match only
exactly, so "20" does not find "200 mg".
"""

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models

# How close a catalog word must be to a query word (pg_trgm similarity) to match it, and how
# many edits (Levenshtein) are forgiven in a word of at least LONG_WORD letters (one below).
MIN_SIMILARITY = 0.45
LONG_WORD = 6
# A query word that matches more catalog words than this keeps the closest ones.
MAX_TERMS_PER_WORD = 50

_TERMS_SQL = """
WITH asked AS (
    SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('simple'::regconfig, %(query)s))) AS word
), matched AS (
    SELECT asked.word AS asked, term.word AS term, row_number() OVER (
        PARTITION BY asked.word
        ORDER BY term.word = asked.word DESC, similarity(term.word, asked.word) DESC, term.word
    ) AS place
    FROM asked LEFT JOIN catalog_searchterm AS term ON term.word = asked.word OR (
        asked.word !~ '^[0-9.,/-]+$' AND (
            term.word LIKE replace(replace(asked.word, '%%', ''), '_', '') || '%%'
            OR (
                term.word %% asked.word
                AND (
                    similarity(term.word, asked.word) >= %(similarity)s
                    OR levenshtein(term.word, asked.word)
                        <= CASE WHEN length(asked.word) >= %(long_word)s THEN 2 ELSE 1 END
                )
            )
        )
    )
)
SELECT asked, array_remove(array_agg(term ORDER BY place), NULL)
FROM matched WHERE place <= %(limit)s GROUP BY asked
"""

_REFRESH_SQL = """
INSERT INTO catalog_searchterm (word)
SELECT DISTINCT unnest(search_words) FROM catalog_drug {where} ORDER BY 1
ON CONFLICT DO NOTHING
"""


class SearchWords(models.Func):
    """The lower-cased words of the given text columns; immutable, so it can be a stored
    generated column."""

    template = "tsvector_to_array(to_tsvector('simple'::regconfig, %(expressions)s))"
    arg_joiner = " || ' ' || "
    output_field = ArrayField(models.TextField())


def matching_terms(query: str) -> dict[str, list[str]]:
    """For each word of ``query``: the catalog words it matches, closest first."""
    params = {
        "query": query,
        "similarity": MIN_SIMILARITY,
        "long_word": LONG_WORD,
        "limit": MAX_TERMS_PER_WORD,
    }
    with connection.cursor() as cursor:
        cursor.execute(_TERMS_SQL, params)
        return dict(cursor.fetchall())


def search_terms_refresh(*, drug_ids: list[int] | None = None) -> None:
    """Add the words of these drugs (all drugs when ``None``) to the vocabulary. Words are
    inserted in sorted order, so concurrent refreshes cannot deadlock; words no drug uses
    any more are harmless (they match nothing) and are left."""
    where = "" if drug_ids is None else "WHERE id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL.format(where=where), [] if drug_ids is None else [drug_ids])
