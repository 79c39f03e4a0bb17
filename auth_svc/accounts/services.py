"""Writes on accounts: self-registration, admin-created users, password sign-in."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from common.errors import ApplicationError, Conflict, ValidationFailed
from organizations.models import Organization

# Roles an organization of each type may hold; patients and admins belong to none.
ROLES_BY_ORG_TYPE = {
    Organization.Type.DISTRIBUTOR: {User.Role.DISTRIBUTOR},
    Organization.Type.HOSPITAL: {User.Role.HOSPITAL},
    Organization.Type.PHARMACY: {User.Role.PHARMACY, User.Role.PHARMACIST},
}
# Roles whose people work in the back office (Django admin of the services).
STAFF_ROLES = {User.Role.ADMIN, User.Role.DISTRIBUTOR, User.Role.PHARMACIST}


class InvalidCredentials(ApplicationError):
    status = 401
    code = "invalid_credentials"


def _checked_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "The password is too weak.",
            code="weak_password",
            extra={"errors": {"password": exc.messages}},
        ) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    organization: Organization | None = None,
) -> User:
    """Create a user whose role fits their organization (admins and patients have none)."""
    if role in (User.Role.PATIENT, User.Role.ADMIN):
        if organization is not None:
            raise ValidationFailed(
                f"A {role} belongs to no organization.", code="organization_not_allowed"
            )
    elif organization is None or role not in ROLES_BY_ORG_TYPE[organization.type]:
        raise ValidationFailed(
            f"Role {role} needs an organization that employs it.", code="role_organization_mismatch"
        )
    user = User(
        username=User.normalize_username(username),
        email=email,
        role=role,
        organization=organization,
    )
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == User.Role.ADMIN
    _checked_password(user, password)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict("That username is taken.", code="username_taken") from exc
    return user


def patient_register(*, username: str, email: str, password: str) -> User:
    return user_create(username=username, email=email, password=password, role=User.Role.PATIENT)


def password_sign_in(*, request, username: str, password: str) -> User:
    """The user behind these credentials. ``request`` (Django's or DRF's) gives the backend
    the client's address; the backend counts failures toward a lockout and raises
    ``lockout.TooManyAttempts`` while one holds."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise InvalidCredentials("Unknown username or wrong password.")
    return user
