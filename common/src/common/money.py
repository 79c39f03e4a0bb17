"""How every service stores money (STYLE.md): ``Decimal`` amounts in ``DecimalField(20, 4)``
next to an ISO 4217 currency code. Rounding is the business of whoever prices (pricing_svc);
the others store the amounts it answered, as they are."""

from django.core.validators import RegexValidator
from django.db import models

currency_validator = RegexValidator(r"^[A-Z]{3}$", "A currency is an ISO 4217 code, e.g. USD.")


def money_field(**kwargs) -> models.DecimalField:
    """The model field an amount is stored in."""
    return models.DecimalField(max_digits=20, decimal_places=4, **kwargs)


def currency_field(**kwargs) -> models.CharField:
    """The model field an amount's currency is stored in (USD unless said otherwise)."""
    kwargs.setdefault("default", "USD")
    return models.CharField(max_length=3, validators=[currency_validator], **kwargs)
