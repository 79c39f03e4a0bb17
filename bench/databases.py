"""The platform's databases, as its own processes were told them (their DATABASE_URL)."""

from pathlib import Path

from cpu import service_of


def service_database_urls(pids: set[int]) -> dict[str, str]:
    """{service: DATABASE_URL} read from the environment of the service's processes."""
    urls = {}
    for pid in sorted(pids):
        service = service_of(pid)
        if service is None or service in urls:
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for entry in environ:
            if entry.startswith(b"DATABASE_URL="):
                urls[service] = entry.split(b"=", 1)[1].decode()
    return urls


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]
