"""The one place a password is checked. Every sign-in (the API, the admin login, anything that
calls Django's ``authenticate()``) goes through this backend, so none can skip the lockout."""

from django.contrib.auth.backends import ModelBackend

from accounts import lockout
from accounts.metrics import sign_ins_total
from common.addresses import client_ip


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused while the account or the address is locked out
    (``lockout.TooManyAttempts`` propagates: callers say so), and failures counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        # Without a request (a shell) only the account's counter applies.
        ip = client_ip(request) if request is not None else ""
        try:
            lockout.login_allowed_check(username=username, ip=ip)
        except lockout.TooManyAttempts:
            sign_ins_total.labels("locked_out").inc()
            raise
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.login_failure_record(username=username, ip=ip)
            sign_ins_total.labels("invalid").inc()
        else:
            lockout.login_success_record(username=username)
            sign_ins_total.labels("ok").inc()
        return user
