"""Reading moderation.flags, moderation.decisions and moderation.violations into the console's
database: each record stored once (unique on its own id), whatever is read twice; a malformed
record logged and skipped. Offsets are committed only after the database transaction holding the
batch: a crash in between reads the batch again, and the unique ids make that harmless."""
from __future__ import annotations

import json
import logging
import threading

from django.db import DataError, IntegrityError, close_old_connections, transaction

from streams import topics

from . import metrics
from .models import Decision, Flag, Violation

log = logging.getLogger("dozor.console")
# under the `console` prefix the console's Kafka account may read groups with (deploy/acls.sh); it was
# "dozor-console" before, the workers' prefix: a console upgraded from it reads the topics once more
# from the start, which the unique ids make harmless
GROUP = "console-ingest"
TOPICS = (topics.FLAGS, topics.DECISIONS, topics.VIOLATIONS)


class Malformed(ValueError):
    pass


def _text(record: dict, name: str, required: bool = False) -> str:
    value = record.get(name)
    if value is None:
        if required:
            raise Malformed(f"no {name!r}")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Malformed(f"{name!r} is not a string")
    return str(value)[:200]


def _fields(topic: str, record: dict) -> tuple[type, str, dict]:
    """(model, its id field, values) for one record; Malformed says what is wrong."""
    common = {"chat_id": _text(record, "chat_id", True), "user_id": _text(record, "user_id"), "data": record}
    if topic == topics.FLAGS:
        return Flag, "flag_id", common | {
            "flag_id": _text(record, "flag_id", True), "kind": _text(record, "kind", True)[:40],
            "review_id": _text(record, "review_id"), "review": _text(record, "review")[:40],
            "outcome": _text(record, "outcome")[:40], "urgent": record.get("urgent") is True,
            "message_id": _text(record, "message_id"),
            "at": (_text(record, "sent_at") or _text(record, "at"))[:40]}
    if topic == topics.DECISIONS:
        return Decision, "decision_id", common | {
            "decision_id": _text(record, "decision_id", True), "action": _text(record, "action", True)[:40],
            "message_id": _text(record, "message_id"), "issued_at": _text(record, "issued_at")[:40],
            "until": _text(record, "until")[:40]}
    if topic == topics.VIOLATIONS:
        return Violation, "violation_id", common | {
            "violation_id": _text(record, "violation_id", True), "message_id": _text(record, "message_id"),
            "counted": record.get("counted") is True, "sent_at": _text(record, "sent_at")[:40]}
    raise Malformed(f"not a topic the console reads: {topic}")


def _clean(value):
    """What every database can hold: PostgreSQL refuses NUL in text and JSON, and neither it nor
    SQLite takes a lone surrogate (valid JSON, «\\ud800»); each becomes U+FFFD, the rest is kept."""
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
            return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)
        return value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _parse(topic: str, raw: bytes | str, where: str):
    """(model, id field, values) or None for a malformed record (logged)."""
    try:
        record = _clean(json.loads(raw))
        if not isinstance(record, dict):
            raise Malformed("not a JSON object")
        model, id_field, values = _fields(topic, record)
    except (ValueError, TypeError, RecursionError) as err:       # RecursionError: nested too deep
        log.warning("console ingest: skipped a malformed record on %s %s: %s", topic, where, str(err)[:200])
        return None
    return model, id_field, values | {"topic_offset": where[:100]}


def store(topic: str, raw: bytes | str, where: str = "") -> str:
    """'stored', 'duplicate' or 'skipped' (malformed, logged). Call inside a transaction."""
    return store_batch([(topic, raw, where)])[0]


def store_batch(records) -> list[str]:
    """Many (topic, raw, where) at once, each 'stored', 'duplicate' or 'skipped': one query per model
    for the ids already there, one insert for the new ones (a batch may hold the same id twice too)."""
    out = ["skipped"] * len(records)
    by_model: dict[type, list[tuple[int, str, dict]]] = {}
    for i, (topic, raw, where) in enumerate(records):
        parsed = _parse(topic, raw, where)
        if parsed:
            model, id_field, values = parsed
            by_model.setdefault(model, []).append((i, id_field, values))
    for model, rows in by_model.items():
        id_field = rows[0][1]
        ids = [values[id_field] for _, _, values in rows]
        seen = set()
        for chunk in range(0, len(ids), 500):           # SQLite's limit on query parameters
            seen |= set(model.objects.filter(**{f"{id_field}__in": ids[chunk:chunk + 500]})
                        .values_list(id_field, flat=True))
        new = []
        for i, _, values in rows:
            if values[id_field] in seen:
                out[i] = "duplicate"
            else:
                seen.add(values[id_field])
                new.append(model(**values))
                out[i] = "stored"
        # ignore_conflicts: a second console ingesting beside this one may have stored one meanwhile
        model.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return out


def _store_all(batch) -> list[str]:
    """The batch in one transaction; when the database refuses something in it (a value it cannot
    hold), record by record, skipping and logging only what it refuses: one bad record must not
    stop the reader forever. A lost connection is no record's fault: it is raised, and the batch
    is read again."""
    try:
        with transaction.atomic():
            return store_batch(batch)
    except (DataError, IntegrityError) as err:
        log.warning("console ingest: the database refused a batch (%s); storing its records one by one", err)
    out = []
    with transaction.atomic():
        for record in batch:
            try:
                with transaction.atomic():                 # a savepoint: a refusal undoes this record only
                    out += store_batch([record])
            except (DataError, IntegrityError) as err:
                log.warning("console ingest: skipped a record on %s %s the database refused: %s",
                            record[0], record[2], str(err)[:200])
                out.append("skipped")
    return out


class Ingest(threading.Thread):
    """The background reader: `dozor console` runs one beside the web server."""

    def __init__(self, bootstrap: str, group: str = GROUP):
        super().__init__(name="console-ingest", daemon=True)
        self.bootstrap, self.group = bootstrap, group
        self.stopping = threading.Event()
        self.counts = {"stored": 0, "duplicate": 0, "skipped": 0}
        self.error: str | None = None

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.join(timeout)

    def _consumer(self):
        from kafka import KafkaConsumer

        from streams import kafka_auth

        return KafkaConsumer(*TOPICS, bootstrap_servers=self.bootstrap, group_id=self.group,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=10000, heartbeat_interval_ms=2000, fetch_max_wait_ms=200,
                             **kafka_auth.client_options())

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                consumer = self._consumer()
            except Exception as err:          # the broker not up yet: say so and try again
                self.error = f"cannot reach the broker at {self.bootstrap}: {err!r}"
                log.warning("console ingest: %s; retrying", self.error)
                self.stopping.wait(3)
                continue
            try:
                self._loop(consumer)
            except Exception as err:
                # the database or the broker failed mid-batch: nothing was committed for it, so a new
                # consumer reads it again from the committed offsets
                self.error = repr(err)
                log.warning("console ingest: %r; reconnecting, the batch is read again", err)
                self.stopping.wait(2)
            finally:
                try:
                    consumer.close(autocommit=False)
                except Exception:
                    pass
                close_old_connections()

    def _loop(self, consumer) -> None:
        while not self.stopping.is_set():
            batches = consumer.poll(500)
            if not batches:
                continue
            counts = {"stored": 0, "duplicate": 0, "skipped": 0}
            close_old_connections()
            batch = [(r.topic, r.value, f"{r.partition}:{r.offset}") for records in batches.values() for r in records]
            outcomes = _store_all(batch)
            consumer.commit()                  # only now: the batch is in the database
            for (topic, _, _), outcome in zip(batch, outcomes):
                counts[outcome] += 1
                metrics.ingested(topic, outcome)
            metrics.lag(consumer)
            for k, v in counts.items():
                self.counts[k] += v
            self.error = None

