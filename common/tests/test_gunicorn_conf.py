"""The gunicorn settings every replica starts with."""

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
