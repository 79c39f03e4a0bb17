from datetime import date, timedelta

import factory

from accounts.models import User
from organizations.models import License, Organization

PASSWORD = "correct-horse-battery-9"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    type = Organization.Type.HOSPITAL


class LicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = License

    organization = factory.SubFactory(OrganizationFactory)
    kind = License.Kind.DEA
    number = factory.Sequence(lambda n: f"AB{n:07d}")
    schedules = factory.LazyFunction(lambda: ["CII", "CIII", "CIV", "CV"])
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=365))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = User.Role.HOSPITAL
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()
