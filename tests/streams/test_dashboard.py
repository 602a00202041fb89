"""The monitoring files of docker-compose.yml cannot drift from the metrics the workers and the
console serve: every expression of the Grafana dashboard names only metrics streams/metrics.py or
console/metrics.py defines, Prometheus scrapes the ports they serve on, the README lists every metric,
and the console service sets only variables the console reads. (No Docker engine here: the files are
parsed, not run.)"""
import json
import re
from pathlib import Path

import yaml
from prometheus_client import Counter, Histogram

from console import metrics as console_metrics
from streams import metrics

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def served() -> dict[str, set[str]]:
    """{metric name: the sample names it is exposed as}, of the workers and of the console."""
    out = {name: {name} for name in metrics.GAUGES + console_metrics.GAUGES}
    for value in list(vars(metrics).values()) + list(vars(console_metrics).values()):
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
        assert names <= samples, f"panel {title!r}: {sorted(names - samples)} not in streams/ or console/metrics.py"
        used |= names
    for title in ("Messages read /s", "Findings /s by category and certainty", "Decisions /s by action",
                  "Dead letters", "Review items waiting", "Consumer lag of chat.messages",
                  "Latency of chat.messages (p50, p99)", "Console: review items waiting per chat"):
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
    jobs = {j["job_name"]: j for j in prometheus["scrape_configs"]}
    job = jobs["dozor-worker"]
    [dns] = job["dns_sd_configs"]
    assert dns["names"] == ["worker"] and dns["port"] == int(worker["DOZOR_METRICS_PORT"])
    assert job["metrics_path"] == "/metrics" and worker["DOZOR_METRICS_HOST"] == "0.0.0.0"
    console = services["console"]["environment"]
    [static] = jobs["dozor-console"]["static_configs"]
    assert static["targets"] == [f"console:{console['DOZOR_CONSOLE_METRICS_PORT']}"]
    assert jobs["dozor-console"]["metrics_path"] == "/metrics" and console["DOZOR_CONSOLE_METRICS_HOST"] == "0.0.0.0"
    assert "ports" not in services["worker"] and all(not p.startswith(console["DOZOR_CONSOLE_METRICS_PORT"])
                                                     and p.startswith("127.0.0.1:")
                                                     for p in services["console"]["ports"])
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


# what the console's processes read from the environment: console/ and the streams modules it uses
READERS = [*sorted((REPO / "console").glob("*.py")), REPO / "streams" / "kafka_auth.py", REPO / "streams" / "identity.py"]
READ = re.compile(r'(?:environ(?:\.get|\.setdefault)?|env\.get|env)\s*[(\[]\s*"([A-Z][A-Z0-9_]+)"')


def read_by_console() -> set[str]:
    return {name for path in READERS for name in READ.findall(path.read_text(encoding="utf-8"))}


def test_the_console_service_sets_what_the_console_reads():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    env = services["console"]["environment"]
    known = read_by_console()
    assert {"DOZOR_CONSOLE_DATABASE_URL", "DOZOR_CONSOLE_TIME_ZONE", "DOZOR_DIGEST_HOUR"} <= known   # the regex works
    assert set(env) <= known, f"the console service sets {sorted(set(env) - known)}, which the console never reads"
    for needed in ("KAFKA_BOOTSTRAP", "KAFKA_SASL_USERNAME", "DOZOR_CONSOLE_DATABASE_URL", "DOZOR_CONSOLE_SECRET_KEY",
                   "DOZOR_PRODUCER_KEY", "DOZOR_CONSOLE_METRICS_PORT"):
        assert needed in env, needed
    assert services["console"]["command"][:2] == ["dozor", "console"] and "0.0.0.0" in services["console"]["command"]

    # the database URL names the postgres service with its user, database and password
    pg = services["postgres"]["environment"]
    url = env["DOZOR_CONSOLE_DATABASE_URL"]
    assert url.startswith(f"postgresql://{pg['POSTGRES_USER']}:") and url.endswith(f"@postgres:5432/{pg['POSTGRES_DB']}")
    password = re.match(r"\$\{(\w+):\?", pg["POSTGRES_PASSWORD"]).group(1)          # from .env, no default
    assert "${" + password + ":?" in url and f"{password}=" in (DEPLOY / "env.example").read_text(encoding="utf-8")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])
    for name in ("KAFKA_SASL_PASSWORD", "DOZOR_CONSOLE_SECRET_KEY"):
        assert ":?" in env[name], f"{name} must come from .env with no default"

    # the Kafka account and consumer group are the ones deploy/acls.sh allows (read from the source:
    # importing console.ingest would need Django set up)
    [group] = re.findall(r'^GROUP = "([^"]+)"', (REPO / "console" / "ingest.py").read_text(encoding="utf-8"), re.M)
    acls = (DEPLOY / "acls.sh").read_text(encoding="utf-8")
    assert f"account {env['KAFKA_SASL_USERNAME']} " in acls
    [prefix] = re.findall(rf"allow {env['KAFKA_SASL_USERNAME']} Read --group (\S+) --resource-pattern-type prefixed",
                          acls)
    assert group.startswith(prefix)
    [writes] = re.findall(rf"allow {env['KAFKA_SASL_USERNAME']} Write (.*)", acls)
    assert "--topic moderation.commands" in writes and "--topic moderation.decisions" in writes
