"""A person's back-office sessions end when what they may do there changes.

The hook is the model (``User.save`` and ``post_delete``), not a service: the Django admin's
user forms, its bulk delete, the demo seed and management commands all write users directly,
and a service every one of them had to remember to call is one they could forget. Only
``QuerySet.update()`` and ``bulk_update()`` bypass it; auth_svc never uses them on users.
"""

from django.db import transaction

from common.sso import admin_sessions_end

# What a person may do in the back office follows from these.
BACK_OFFICE_FIELDS = ("role", "organization_id", "is_staff", "is_superuser", "is_active")


def back_office_rights(user) -> dict:
    """The loaded values of ``BACK_OFFICE_FIELDS`` (a deferred field is left out, unread)."""
    return {name: user.__dict__[name] for name in BACK_OFFICE_FIELDS if name in user.__dict__}


def admin_sessions_end_on_commit(user_id: int) -> None:
    # After the commit: a cookie issued between ending the sessions and the commit would
    # carry the old rights into the new session generation.
    transaction.on_commit(lambda: admin_sessions_end(str(user_id)))


def user_deleted(sender, instance, **kwargs) -> None:
    """``post_delete``: sent for ``Model.delete()`` and ``QuerySet.delete()`` alike."""
    admin_sessions_end_on_commit(instance.pk)
