"""What the platform is watched with, rendered from the service registry: Prometheus' scrape
configs (``prometheus``), Grafana's dashboards (``dashboards``). ``manage_all.py render-config``
writes them under ``observability/`` and a test fails when a committed file drifts."""
