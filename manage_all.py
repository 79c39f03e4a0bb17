#!/usr/bin/env python3
"""Run the whole PharmaConnect platform: ``python3 manage_all.py <command>`` (see ``--help``).

Needs only Python 3.11: on first use it creates the project venv ``.venv`` and installs
``requirements.txt`` and the runner (``tooling/``, repository tooling that no service image
carries) there, never into the system Python, then re-runs itself inside it.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements.sha256"


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "common/pyproject.toml", "tooling/pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create/update the project venv, then re-exec inside it; a no-op once inside."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if sys.version_info < (3, 11):
        sys.exit("manage_all.py: error: Python 3.11 or newer is required")
    if not VENV_PYTHON.exists():
        print("[pharmaconnect] creating the project venv in .venv", flush=True)
        venv.create(VENV, with_pip=True)
    digest = _requirements_digest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        print("[pharmaconnect] installing requirements.txt and the runner into .venv", flush=True)
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        install = [*pip, "-r", str(ROOT / "requirements.txt")]
        if subprocess.run(install, cwd=ROOT).returncode != 0:
            sys.exit("manage_all.py: error: installing requirements.txt into .venv failed")
        STAMP.write_text(digest)
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), str(ROOT / "manage_all.py"), *sys.argv[1:]])


if __name__ == "__main__":
    ensure_venv()
    from runner.cli import main

    sys.exit(main(sys.argv[1:]))
