"""Organizations that trade on the platform, and the licences that let them buy controlled drugs."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone


class Organization(models.Model):
    class Type(models.TextChoices):
        DISTRIBUTOR = "distributor"
        HOSPITAL = "hospital"
        PHARMACY = "pharmacy"

    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class License(models.Model):
    class Kind(models.TextChoices):
        DEA = "dea", "DEA registration"
        STATE = "state", "State licence"

    class Schedule(models.TextChoices):
        CII = "CII"
        CIII = "CIII"
        CIV = "CIV"
        CV = "CV"

    organization = models.ForeignKey(
        Organization, related_name="licenses", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.CharField(max_length=40)
    # Only a DEA registration covers controlled-substance schedules.
    schedules = ArrayField(
        models.CharField(max_length=4, choices=Schedule.choices), default=list, blank=True
    )
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="license_unique_number"),
            models.CheckConstraint(
                condition=models.Q(kind="dea") | models.Q(schedules=[]),
                name="license_schedules_only_on_dea",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_valid(self) -> bool:
        return self.expires_on >= timezone.localdate()
