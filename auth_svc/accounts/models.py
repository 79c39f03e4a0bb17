"""People who sign in: one role each, and (except patients and admins) one organization.

A username is stored NFKC-normalised, as typed otherwise; two usernames that differ only in
case or in Unicode compatibility forms (fullwidth letters, say) are the same account: the
database refuses the second, and sign-in finds the first whichever way it is typed.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from accounts.sessions import admin_sessions_end_on_commit, back_office_rights
from organizations.models import Organization


class PlatformUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Matched with the database's own lower(), the one the unique constraint uses, so a
        # sign-in finds at most the one account that owns the name.
        name = self.model.normalize_username(username)
        return self.alias(name_lower=Lower("username")).get(name_lower=Lower(models.Value(name)))


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

    objects = PlatformUserManager()

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_rights = back_office_rights(user)
        return user

    def save(self, *args, **kwargs):
        """Saves; a change of role, organization, staff flags or activity ends the person's
        admin sessions everywhere (see ``accounts.sessions`` for why here)."""
        super().save(*args, **kwargs)
        current = back_office_rights(self)
        # A new row has no sessions to end; a field read only after loading counts as changed.
        if getattr(self, "_loaded_rights", current) != current:
            admin_sessions_end_on_commit(self.pk)
        self._loaded_rights = current

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ignoring_case",
                violation_error_message="A user with that username already exists.",
            ),
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
