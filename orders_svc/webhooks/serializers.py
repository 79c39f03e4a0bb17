"""Bodies of the webhooks API."""

from rest_framework import serializers

from webhooks.models import Delivery, Endpoint, EventType


class EndpointIn(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False, max_length=10
    )
    description = serializers.CharField(max_length=200, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)


class EndpointOut(serializers.ModelSerializer):
    class Meta:
        model = Endpoint
        fields = ["id", "url", "events", "description", "active", "created_at"]


class EndpointWithSecretOut(EndpointOut):
    """Only when created or rotated: the secret to verify signatures with."""

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


class DeliveryOut(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "event_type",
            "endpoint",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
        ]
