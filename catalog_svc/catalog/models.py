"""Drugs (the catalog) and the warehouses distributors keep stock in."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

from catalog.search import SearchWords
from common.money import money_field


class Schedule(models.TextChoices):
    """DEA controlled-substance schedules; blank for drugs that are not controlled."""

    NONE = "", "Not controlled"
    CII = "CII", "Schedule II"
    CIII = "CIII", "Schedule III"
    CIV = "CIV", "Schedule IV"
    CV = "CV", "Schedule V"


def _trigram_index(field: str) -> GinIndex:
    # gin_trgm_ops serves LIKE '%..%': partial NDCs and GTINs.
    return GinIndex(OpClass(field, name="gin_trgm_ops"), name=f"catalog_drug_{field}_trgm")


class Drug(models.Model):
    ndc = models.CharField("NDC", max_length=13, help_text="As printed, with hyphens.")
    # The 11-digit form: one product has one NDC however it is written, so this is unique.
    ndc11 = models.CharField("NDC (11-digit)", max_length=11, editable=False)
    gtin = models.CharField("GTIN-14", max_length=14)
    name = models.CharField(max_length=200)
    generic_name = models.CharField(max_length=200)
    strength = models.CharField(max_length=100, blank=True)
    dosage_form = models.CharField(max_length=100, blank=True)
    manufacturer = models.CharField(max_length=200, blank=True)
    schedule = models.CharField(max_length=4, choices=Schedule.choices, blank=True, default="")
    rx_only = models.BooleanField("Rx only", default=True)
    cold_chain = models.BooleanField(default=False)
    pack_size = models.PositiveIntegerField(default=1)
    unit = models.CharField(max_length=30, default="each")
    reorder_point = models.PositiveIntegerField(default=0)
    # A reference wholesale price (WAC) for reports only; selling prices live in pricing_svc.
    list_price = money_field(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    active = models.BooleanField(default=True)
    # The words of name and generic name, for search (see catalog.search).
    search_words = models.GeneratedField(
        expression=SearchWords("name", "generic_name"),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ndc11"], name="catalog_drug_ndc_unique"),
            models.UniqueConstraint(fields=["gtin"], name="catalog_drug_gtin_unique"),
            models.CheckConstraint(
                condition=models.Q(pack_size__gt=0), name="catalog_drug_pack_size_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(schedule__in=Schedule.values), name="catalog_drug_schedule_valid"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_words"], name="catalog_drug_search_words_gin"),
            # ?manufacturer= is case-insensitive: UPPER(manufacturer) LIKE UPPER('%..%').
            GinIndex(
                OpClass(Upper("manufacturer"), name="gin_trgm_ops"),
                name="catalog_drug_maker_trgm",
            ),
            _trigram_index("ndc"),
            _trigram_index("ndc11"),
            _trigram_index("gtin"),
            models.Index(fields=["schedule"], name="catalog_drug_schedule_idx"),
            models.Index(fields=["rx_only"], name="catalog_drug_rx_only_idx"),
            models.Index(fields=["active"], name="catalog_drug_active_idx"),
            models.Index(fields=["name", "id"], name="catalog_drug_name_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ndc})"


class DrugWord(models.Model):
    """A word of a drug's ``search_words`` with the drug's name: the search's postings. A
    one-word search reads them from their key's index (word, name, drug) alone, and touches
    only the drugs of the page it answers (see ``catalog.selectors``). Triggers on the drugs
    keep them (migration 0004); nothing else writes them."""

    pk = models.CompositePrimaryKey("word", "name", "drug")
    word = models.TextField()
    name = models.CharField(max_length=200)
    drug = models.ForeignKey(
        Drug, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self) -> str:
        return self.word


class SearchTerm(models.Model):
    """One word that occurs in some drug's name or generic name: the vocabulary that query
    words are matched against, fuzzily (see catalog.search)."""

    word = models.TextField(primary_key=True)

    class Meta:
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="catalog_searchterm_trgm"),
        ]

    def __str__(self) -> str:
        return self.word


class Warehouse(models.Model):
    name = models.CharField(max_length=100)
    # The distributor organization (an auth_svc id) that owns the warehouse and its stock.
    owner_org = models.PositiveIntegerField(db_index=True)
    address = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_org", "name"], name="catalog_warehouse_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
