"""People who sign in: one role each, and (except patients and admins) one organization."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from organizations.models import Organization


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin"
        DISTRIBUTOR = "distributor"
        HOSPITAL = "hospital"
        PHARMACY = "pharmacy"
        PHARMACIST = "pharmacist"
        PATIENT = "patient"

    role = models.CharField(max_length=20, choices=Role.choices, db_index=True)
    organization = models.ForeignKey(
        Organization, related_name="users", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        constraints = [
            # Patients and admins act for themselves; everyone else for an organization.
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["patient", "admin"], organization__isnull=True)
                    | (
                        ~models.Q(role__in=["patient", "admin"])
                        & models.Q(organization__isnull=False)
                    )
                ),
                name="user_organization_matches_role",
            ),
        ]
