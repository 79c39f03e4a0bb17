"""The gunicorn settings every replica starts with."""

import os
import subprocess
import sys
import textwrap


def test_the_master_loads_no_metrics_library_until_a_worker_exits(tmp_path):
    script = textwrap.dedent(
        """
        import os, sys
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
        from common import gunicorn_conf
        before = "prometheus_client" in sys.modules
        gunicorn_conf.child_exit(None, type("Worker", (), {"pid": 4242})())
        print(before, "prometheus_client" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def worker_model(environ: dict) -> list[str]:
    script = textwrap.dedent(
        """
        from common import gunicorn_conf as conf
        print(conf.worker_class, conf.workers, conf.threads)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environ
    )
    return done.stdout.split()


def test_sync_workers_unless_threads_are_asked_for():
    base = {key: value for key, value in os.environ.items() if key != "GUNICORN_THREADS"}
    assert worker_model({**base, "WEB_CONCURRENCY": "2"}) == ["sync", "2", "1"]
    threaded = {**base, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"}
    assert worker_model(threaded) == ["gthread", "1", "4"]
