"""Running one management command in every service project, in parallel."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from common.registry import SERVICES, Service
from runner import RunnerError
from runner.infra import Infra
from runner.profiles import ROOT, Profile


def service_env(svc: Service, infra: Infra, profile: Profile) -> dict:
    """The environment a service process of this profile runs with."""
    gateway = profile.gateway_url
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=infra.database_url(profile.db_prefix + svc.database),
        REDIS_URL=infra.redis_db_url(profile.redis_db),
        GATEWAY_URL=gateway,
        JWT_ISSUER=f"{gateway}/api/auth",
        JWKS_URL=f"{gateway}/api/auth/.well-known/jwks.json",
        CSRF_TRUSTED_ORIGINS=f"{gateway},http://localhost:{profile.gateway_port}",
        PYTHONUNBUFFERED="1",
    )
    env.update(svc.gunicorn_env)
    return env


def manage(args: list[str], infra: Infra, profile: Profile, services=SERVICES) -> None:
    """``manage.py <args>`` in each service concurrently; the first failure is raised."""

    def run(svc: Service) -> tuple[Service, subprocess.CompletedProcess]:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT / svc.project,
            env=service_env(svc, infra, profile),
            capture_output=True,
            text=True,
        )
        return svc, result

    with ThreadPoolExecutor(max_workers=len(services)) as pool:
        results = list(pool.map(run, services))
    for svc, result in results:
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            reason = output[-1] if output else f"exit code {result.returncode}"
            raise RunnerError(f"{svc.name}: manage.py {' '.join(args)} failed: {reason}")
