"""Tables every service has because ``common`` is installed in each: idempotency records."""

from django.db import models


class IdempotencyRecord(models.Model):
    """The first outcome of a request sent with an ``Idempotency-Key``, for replaying it.

    Keys are per caller: two clients may use the same key without seeing each other's
    answers. The record is written in the same transaction as the request's own effects, so
    an outcome is stored if and only if its effects were committed.
    """

    principal = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    # The answer as rendered JSON text (jsonb would reorder keys; a replay must not).
    response_body = models.TextField(blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "key"], name="common_idempotency_principal_key_unique"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="common_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
