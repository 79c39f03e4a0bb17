"""Password hashes take turns within a process: a burst of sign-ins never holds Argon2's
memory more than once per process, and the hashes are Django's own."""

import threading
import time

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from common.hashers import TakingTurnsArgon2PasswordHasher


def test_passwords_are_argon2_hashes_that_check_as_before():
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$")
    assert check_password("correct horse battery staple", encoded)
    assert not check_password("correct horse battery stable", encoded)
    # A hash stored before, by Django's own Argon2 hasher, still checks.
    assert check_password("old", Argon2PasswordHasher().encode("old", "somesaltvalue"))


def test_four_threads_signing_in_at_once_hash_one_at_a_time(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_verify(self, password, encoded):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return True

    monkeypatch.setattr(Argon2PasswordHasher, "verify", slow_verify)
    hasher = TakingTurnsArgon2PasswordHasher()
    threads = [threading.Thread(target=hasher.verify, args=("pw", "argon2$x")) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert most[0] == 1
