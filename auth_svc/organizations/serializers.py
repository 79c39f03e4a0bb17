from rest_framework import serializers

from organizations.models import License, Organization


class LicenseSerializer(serializers.ModelSerializer):
    schedules = serializers.ListField(
        child=serializers.ChoiceField(choices=License.Schedule.choices),
        required=False,
        default=list,
    )

    class Meta:
        model = License
        fields = ["kind", "number", "schedules", "expires_on"]

    def validate(self, attrs):
        if attrs.get("schedules") and attrs["kind"] != License.Kind.DEA:
            raise serializers.ValidationError(
                {"schedules": ["Only a DEA registration covers schedules."]}
            )
        return attrs


class OrganizationSerializer(serializers.ModelSerializer):
    licenses = LicenseSerializer(many=True, required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "type", "licenses"]
        # Uniqueness is the database's to decide (409 from the service), not a 400 pre-check.
        extra_kwargs = {"name": {"validators": []}}


class PharmacyChoiceSerializer(serializers.ModelSerializer):
    """A pharmacy as a patient chooses it: no licences, nothing but what the choice needs."""

    class Meta:
        model = Organization
        fields = ["id", "name"]
        read_only_fields = fields
