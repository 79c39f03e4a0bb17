"""Webhooks in the orders back office: endpoints, every delivery, and the dead letters with a
replay action (the same service the API's retries use)."""

from django.contrib import admin, messages

from webhooks.dispatch import deliveries_replay
from webhooks.models import DeadLetter, Delivery, Endpoint

DELIVERY_FIELDS = [
    "event",
    "endpoint",
    "status",
    "attempts",
    "window_started_at",
    "next_attempt_at",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "delivered_at",
]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "active", "created_by", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "organization"]
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["created_by", "previous_secret_until"]


@admin.action(description="Replay: send again, with a new 24 h retry window")
def replay(modeladmin, request, queryset):
    count = deliveries_replay(delivery_ids=list(queryset.values_list("pk", flat=True)))
    modeladmin.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)


class DeliveryAdminBase(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_error", "next_attempt_at"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__id", "endpoint__url"]
    readonly_fields = [*DELIVERY_FIELDS, "payload"]
    fields = readonly_fields
    actions = [replay]

    @admin.display(description="payload")
    def payload(self, delivery):
        return delivery.event.payload

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(DeliveryAdminBase):
    list_filter = ["status"]


@admin.register(DeadLetter)
class DeadLetterAdmin(DeliveryAdminBase):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Delivery.Status.DEAD)
