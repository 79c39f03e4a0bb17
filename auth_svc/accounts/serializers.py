from rest_framework import serializers

from accounts.models import User
from organizations.models import Organization

# Generous for any real credential, small enough that hashing never becomes a denial of service.
MAX_PASSWORD_LENGTH = 128


class UsernameField(serializers.RegexField):
    """A username as it will be stored: NFKC-normalised before the pattern and length are
    checked, since normalising can change both (``½`` becomes 1, a fraction slash, 2)."""

    def __init__(self, **kwargs):
        super().__init__(r"^[\w.@+-]{3,150}$", max_length=150, **kwargs)

    def to_internal_value(self, data):
        return User.normalize_username(super().to_internal_value(data))


class RegisterIn(serializers.Serializer):
    username = UsernameField()
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class UserIn(RegisterIn):
    role = serializers.ChoiceField(choices=User.Role.choices)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )


class OrganizationRef(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "type"]


class UserOut(serializers.ModelSerializer):
    organization = OrganizationRef(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "role", "organization"]
