"""Argon2 password hashing with a bound on how many hashes a process runs at once.

An Argon2 hash fills its ``memory_cost`` (100 MiB with Django's settings) for the fraction
of a second it runs and keeps a core busy meanwhile. A threaded worker hashing for four
sign-ins at once holds four times that memory and finishes none of them sooner than one after
another would on a machine with few cores. Here the hashes of one process take turns
(``settings.PASSWORD_HASHES_AT_ONCE``), so a burst of sign-ins or client-credentials tokens
costs the platform a bounded amount of memory while its throughput stays that of its cores.
The hash itself is Django's: same algorithm name, costs and stored format.
"""

import functools
import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


@functools.cache
def _turns() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings.PASSWORD_HASHES_AT_ONCE)


class TakingTurnsArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher; at most ``PASSWORD_HASHES_AT_ONCE`` hashes per process at once."""

    def encode(self, password, salt):
        with _turns():
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with _turns():
            return super().verify(password, encoded)
