"""Models that exist only to test ``common``'s model helpers."""

from django.db import models


class Parcel(models.Model):
    """A thing with a status and a note, moved by ``common.transitions``."""

    status = models.CharField(max_length=20, default="packed")
    note = models.CharField(max_length=100, blank=True)
    touched = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "project"

    def __str__(self) -> str:
        return f"parcel {self.pk} ({self.status})"


class ParcelEvent(models.Model):
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)

    class Meta:
        app_label = "project"

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
