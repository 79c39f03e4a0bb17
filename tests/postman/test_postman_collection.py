"""The Postman collection of the public API, run by newman (pinned in package-lock.json)
against the platform the cross-service suite starts. Any failed assertion fails the test,
with the failures listed."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from build_collection import render

HERE = Path(__file__).resolve().parent
NEWMAN = HERE / "node_modules" / ".bin" / "newman"
RESULTS = HERE / "results"


def _newman() -> Path:
    """newman as the lockfile pins it; ``npm ci`` when it is missing (CI runs it first)."""
    installed = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    if not NEWMAN.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: apt-get install npm (.ci/run does)")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return NEWMAN


def test_the_committed_collection_is_what_build_collection_writes():
    for path, text in render().items():
        assert path.read_text() == text, f"{path.name} is stale: run build_collection.py"


def test_the_collection_passes_against_the_platform(platform):
    RESULTS.mkdir(exist_ok=True)
    report = RESULTS / "newman.json"
    run = subprocess.run(
        [
            str(_newman()),
            "run",
            "pharmaconnect.postman_collection.json",
            "--environment",
            "native.postman_environment.json",
            "--env-var",
            f"baseUrl={platform.gateway}",
            "--working-dir",
            str(HERE),
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            str(report),
            "--timeout-request",
            "30000",
            "--color",
            "off",
            "--disable-unicode",
        ],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (RESULTS / "newman.txt").write_text(run.stdout + run.stderr)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    stats = json.loads(report.read_text())["run"]
    failures = [
        f"{failure['source']['name']}: {failure['error'].get('test', '')}"
        f" {failure['error']['message']}"
        for failure in stats["failures"]
    ]
    assert not failures, "\n".join(failures)
    assert stats["stats"]["requests"]["failed"] == 0
    assert stats["stats"]["assertions"]["total"] > 300
    assert run.returncode == 0, run.stdout[-3000:]
