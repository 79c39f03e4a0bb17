"""List prices (WAC): price lists with validity dates, one price per drug in each."""

from django.db import models
from django.db.models import Q

from common.money import currency_field, money_field


class PriceList(models.Model):
    name = models.CharField(max_length=200, unique=True)
    currency = currency_field()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Inclusive; empty = open-ended.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"], name="pricelist_validity"),
            models.Index(fields=["currency"], name="pricelist_currency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="pricelist_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class PricedDrug(models.Model):
    """A drug's price on a list or a contract, with what reports need from the catalog."""

    drug = models.PositiveBigIntegerField(help_text="Drug id in catalog_svc.")
    # Copied from the catalog when the price is set, so reports never call the catalog.
    manufacturer = models.CharField(max_length=200, blank=True)
    drug_name = models.CharField(max_length=300, blank=True)
    unit_price = money_field()

    class Meta:
        abstract = True
        ordering = ["drug"]

    def __str__(self) -> str:
        return f"drug {self.drug}: {self.unit_price}"


class PriceListItem(PricedDrug):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")

    class Meta(PricedDrug.Meta):
        indexes = [models.Index(fields=["drug"], name="pricelistitem_drug")]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "drug"], name="pricelistitem_unique_drug"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="pricelistitem_price_gte_0"
            ),
        ]

    @property
    def currency(self) -> str:
        return self.price_list.currency
