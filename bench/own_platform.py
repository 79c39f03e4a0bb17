"""The platform started by the benchmark itself when none answers at its URL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from console import say
from setup_http import answers

ROOT = Path(__file__).resolve().parents[1]
BOOT_TIMEOUT_S = 300
# Quotas used only when the benchmark starts the platform itself (reported in the results).
OWN_PLATFORM_QUOTAS = {"QUOTA_WRITE": "6000/60", "QUOTA_SIGN_IN": "6000/60"}


class OwnPlatform:
    """``manage_all.py up`` started here (dev profile) and stopped by ``down`` afterwards."""

    def __init__(self, url: str, log_path: Path):
        self.url = url
        self.log_path = log_path
        self.proc = None

    def start(self):
        env = {**os.environ, **OWN_PLATFORM_QUOTAS}
        say(f"starting the platform (manage_all.py up, {OWN_PLATFORM_QUOTAS}); log {self.log_path}")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "manage_all.py"), "up"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise SystemExit(f"manage_all.py up exited ({code}); see {self.log_path}")
            # the banner (demo accounts) is printed once the demo orders are placed
            if "demo accounts" in self.log_path.read_text() and answers(
                f"{self.url}/api/auth/.well-known/jwks.json"
            ):
                return
            time.sleep(1)
        raise SystemExit(f"the platform did not come up in {BOOT_TIMEOUT_S}s")

    def stop(self):
        if self.proc is None:
            return
        say("stopping the platform (manage_all.py down)")
        subprocess.run([sys.executable, str(ROOT / "manage_all.py"), "down"], cwd=ROOT, check=False)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()
