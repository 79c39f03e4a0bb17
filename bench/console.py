"""The run's progress lines, stamped with the seconds since it began."""

import time

STARTED = time.monotonic()


def elapsed_s() -> float:
    return round(time.monotonic() - STARTED, 1)


def say(msg: str) -> None:
    print(f"[bench {elapsed_s():6.1f}s] {msg}", flush=True)
