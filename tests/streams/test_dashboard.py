"""The monitoring files of docker-compose.yml cannot drift from the metrics the workers serve: every
expression of the Grafana dashboard names only metrics streams/metrics.py defines, Prometheus scrapes
the port the workers serve on, and the README lists every metric. (No Docker engine here: the files
are parsed, not run.)"""
import json
import re
from pathlib import Path

import yaml
from prometheus_client import Counter, Histogram

from streams import metrics

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def served() -> dict[str, set[str]]:
    """{metric name: the sample names it is exposed as}."""
    out = {name: {name} for name in metrics.GAUGES}
    for value in vars(metrics).values():
        if isinstance(value, (Counter, Histogram)):
            for family in value.describe():
                suffixes = ("_total",) if family.type == "counter" else ("_bucket", "_count", "_sum")
                out[family.name + ("_total" if family.type == "counter" else "")] = {
                    family.name + s for s in suffixes}
    return out


def expressions(dashboard: dict) -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_dashboard_expression_names_metrics_the_workers_serve():
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "dozor.json").read_text(encoding="utf-8"))
    samples = set().union(*served().values())
    used = set()
    for title, expr in expressions(dashboard):
        names = set(re.findall(r"\bdozor_[a-z0-9_]+", expr))
        assert names, f"panel {title!r}: {expr!r} names no dozor metric"
        assert names <= samples, f"panel {title!r}: {sorted(names - samples)} not in streams/metrics.py"
        used |= names
    for title in ("Messages read /s", "Findings /s by category and certainty", "Decisions /s by action",
                  "Dead letters", "Review items waiting", "Consumer lag of chat.messages",
                  "Latency of chat.messages (p50, p99)"):
        assert title in {p["title"] for p in dashboard["panels"]}
    assert {p["id"] for p in dashboard["panels"]} == set(range(1, len(dashboard["panels"]) + 1))
    uids = {t["datasource"]["uid"] for p in dashboard["panels"] for t in p["targets"]}
    datasources = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml")
                                 .read_text(encoding="utf-8"))["datasources"]
    assert uids == {d["uid"] for d in datasources}


def test_prometheus_scrapes_the_port_the_workers_serve_on():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    prometheus = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    worker = services["worker"]["environment"]
    [job] = prometheus["scrape_configs"]
    [dns] = job["dns_sd_configs"]
    assert dns["names"] == ["worker"] and dns["port"] == int(worker["DOZOR_METRICS_PORT"])
    assert job["metrics_path"] == "/metrics" and worker["DOZOR_METRICS_HOST"] == "0.0.0.0"
    mounts = services["prometheus"]["volumes"] + services["grafana"]["volumes"]
    for path in ("./deploy/prometheus.yml", "./deploy/grafana/provisioning", "./deploy/grafana/dashboards"):
        assert any(m.startswith(path + ":") for m in mounts), path
        assert (REPO / path).exists(), path
    provider = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "dozor.yml")
                              .read_text(encoding="utf-8"))["providers"][0]
    assert any(m.endswith(":" + provider["options"]["path"] + ":ro") for m in services["grafana"]["volumes"])


def test_the_readme_lists_every_metric():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in served() if f"`{name}`" not in readme]
    assert not missing, f"README.md («Metrics») does not list {missing}"
