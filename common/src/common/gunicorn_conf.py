"""Gunicorn settings shared by every service (``-c python:common.gunicorn_conf``).

Sync (process) workers unless ``GUNICORN_THREADS`` asks for threads: pybreaker holds a lock
for the whole guarded call, which would serialise a threaded worker's upstream calls, so only
services that call no other run threaded (``Service.threads`` in the registry, which sets the
variables). Prometheus runs in multiprocess mode; the runner sets and empties
``PROMETHEUS_MULTIPROC_DIR`` before start.
"""

import os

threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Keep the HTTP parser's limits explicit: big bodies are refused before Django sees them.
limit_request_line = 8190
accesslog = None  # the Django middleware writes one JSON line per request
errorlog = "-"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Imported when a worker exits, not with this module: the master (one per replica,
        # ten on the platform) would otherwise hold prometheus_client (~2.7 MB) for nothing.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
