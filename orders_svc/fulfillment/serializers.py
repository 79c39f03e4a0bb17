from rest_framework import serializers

from fulfillment.models import TransactionRecord


class TransactionRecordOut(serializers.ModelSerializer):
    class Meta:
        model = TransactionRecord
        fields = ["created_at", "document"]
