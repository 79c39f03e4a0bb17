#!/bin/sh
# Every process of the image starts here. prometheus_client's multiprocess mode reads every
# file in PROMETHEUS_MULTIPROC_DIR: files of a previous run (a restarted container keeps /tmp)
# would be counted again, so the directory is emptied before gunicorn starts.
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "${PROMETHEUS_MULTIPROC_DIR}"
    mkdir -p "${PROMETHEUS_MULTIPROC_DIR}"
fi
exec "$@"
