"""Signing keys of the platform's tokens, refresh-token families, and OAuth2 client profiles."""

import uuid

from django.conf import settings
from django.db import models
from oauth2_provider.models import Application

from organizations.models import Organization


class SigningKey(models.Model):
    """An RSA key pair. One is active (signs new tokens); retired keys stay published until
    every token they signed has expired, then they are no longer trusted anywhere."""

    kid = models.CharField(max_length=64, unique=True)
    # Kept in the auth database; production would hold it in a KMS or secret store.
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_signing_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return self.kid


class RefreshFamily(models.Model):
    """Every refresh token descending from one login. Presenting a rotated token again (a sign
    that it leaked) or logging out revokes the whole family."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}/{self.id}"


class ClientProfile(models.Model):
    """What an OAuth2 client may ask for: its scopes and, for a B2B integration, the
    organization it acts for (platform services have none)."""

    application = models.OneToOneField(
        Application, related_name="profile", on_delete=models.CASCADE
    )
    allowed_scopes = models.CharField(max_length=500, help_text="Space-separated scopes.")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, related_name="clients", on_delete=models.PROTECT
    )

    def __str__(self) -> str:
        return f"{self.application.name}: {self.allowed_scopes}"

    @property
    def scopes(self) -> set[str]:
        return set(self.allowed_scopes.split())
