"""A maintainer's edit reaching a running service, and what must never reach it.

The walk-through follows README.md § "Editing the word lists" step by step, with the
same commands, on a lexicons folder kept in a git repository of its own (a fresh
clone in miniature): add a word with examples → lint → test → diff → `dozor run`,
already running, applies it without a restart and without dropping a message. Then what
must never reach it, produced straight to its lexicon topic as anyone with write access
could: a bundle that skipped the checks, forged ones (unsigned, another key, altered after
signing), one that cuts profanity to two words; and a worker that starts beside bundles it
cannot finish checking in time starts anyway.
"""
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from filters.lexicon import bundle as bundles
from filters.paths import lexicon_root
from filters.ruleset import fingerprint
from streams import signing, topics
from tests.streams.harness import REPO, Collector, now_iso

pytestmark = pytest.mark.timeout(400)

NEW_ENTRY = "\nчмоня                         # новое прозвище из 7 «Б»\n  + ты чмоня\n  - в мультфильме «Чмоня» есть кот\n"
STEPS = ["dozor lexicon lint", "dozor lexicon test", "dozor lexicon diff", "dozor run"]


class Service:
    """`dozor run` as a maintainer starts it, on a lexicons folder of their own."""

    def __init__(self, tmp: Path):
        self.lexicons = tmp / "clone" / "lexicons"
        shutil.copytree(lexicon_root(), self.lexicons, ignore=shutil.ignore_patterns("__pycache__"))
        git = ["git", "-C", str(self.lexicons.parent)]
        subprocess.run(git + ["init", "-q"], check=True)
        subprocess.run(git + ["add", "."], check=True)
        subprocess.run(git + ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "lexicons"], check=True)
        self.env = {**os.environ, "DOZOR_LEXICONS": str(self.lexicons), "DOZOR_DATA_DIR": str(tmp / "data"),
                    "DOZOR_APP_ID": f"dozor-lex-{uuid.uuid4().hex[:6]}", "DOZOR_WATCH_LEXICONS": "1",
                    "DOZOR_LEXICON_TOPIC": f"dozor.lexicons.{uuid.uuid4().hex[:6]}", "PYTHONPATH": str(REPO)}
        self.log_path = tmp / "run.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "run"], env=self.env, cwd=REPO,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP") or self.wait_for(r"broker .*? on (127\.0\.0\.1:\d+)", 60)
        self.env["KAFKA_BOOTSTRAP"] = bootstrap
        self.collector = Collector(bootstrap)
        from streams.service import producer
        self.producer = producer(bootstrap)
        self.live = self.wait_for(r"lexicon (\w+) (?:live|already in force)", 90)

    def key(self):
        """The signing key `dozor run` made in its data dir on its first start."""
        return signing.signing_key(None, Path(self.env["DOZOR_DATA_DIR"]))

    def send_bundle(self, record: dict) -> int:
        """Produce `record` straight to the lexicon topic, as anyone with write access could;
        returns the log position before it."""
        mark = len(self.output())
        self.producer.send(self.env["DOZOR_LEXICON_TOPIC"], key="lexicons", value=record, partition=0).get(30)
        return mark

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 30, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output()[after:])
            if found:
                return found.group(1)
            if self.proc.poll() is not None:
                raise AssertionError(f"dozor run exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in dozor run's output after {timeout}s:\n{self.output()[-3000:]}")

    def dozor(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        run = subprocess.run([sys.executable, "-m", "streams.cli", *args], env=self.env, cwd=REPO,
                             capture_output=True, text=True, timeout=180)
        if check:
            assert run.returncode == 0, f"dozor {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
        return run

    def edit(self, name: str, text: str) -> int:
        """Append to a lexicon file as a maintainer's editor would; returns the log position."""
        mark = len(self.output())
        with open(self.lexicons / name, "a", encoding="utf-8") as fh:
            fh.write(text)
        return mark

    def say(self, chat: str, text: str, mid: str | None = None) -> str:
        mid = mid or f"{chat}-{uuid.uuid4().hex[:6]}"
        self.producer.send(topics.MESSAGES, key=chat, value={
            "message_id": mid, "chat_id": chat, "sender_id": "u1", "sent_at": now_iso(), "text": text,
            "chat": {"kind": "staff"}})
        self.producer.flush()
        return mid

    def verdict(self, chat: str, text: str) -> dict | None:
        """Send `text`, then a swear as a marker; the violation of `text`, or None once the
        marker is judged (the worker keeps each chat's order)."""
        mid = self.say(chat, text)
        marker = self.say(chat, "х*й")
        self.collector.wait(topics.VIOLATIONS, 1, timeout=60, message_id=marker)
        got = self.collector.get(topics.VIOLATIONS, message_id=mid)
        return got[0] if got else None

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.collector.close()
        self.producer.close()
        self.log.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    svc = Service(tmp_path_factory.mktemp("lexicon-reload"))
    try:
        yield svc
    finally:
        svc.close()


def test_the_readme_walks_a_maintainer_through_these_steps_in_this_order():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Editing the word lists"):]
    positions = [section.find(step) for step in STEPS]
    assert -1 not in positions, f"the README's lexicon section lacks {STEPS[positions.index(-1)]}"
    assert positions == sorted(positions)


def test_add_a_word_lint_test_diff_and_the_running_service_applies_it(service):
    chat = f"c-{uuid.uuid4().hex[:6]}"
    assert service.verdict(chat, "ты чмоня") is None          # not a word of ours yet

    service.edit("insult/strong.txt", NEW_ENTRY)
    lint = service.dozor("lexicon", "lint")
    assert "0 error(s)" in lint.stdout + lint.stderr
    test = service.dozor("lexicon", "test")
    assert "FAIL" not in test.stdout
    diff = service.dozor("lexicon", "diff")
    assert "«ты чмоня»: clean → insult (certain)" in diff.stdout

    # the edit is already saved, so the service may be applying it while messages flow
    flowing, sent, stop = f"c-{uuid.uuid4().hex[:6]}", [], threading.Event()

    def keep_talking():
        while not stop.is_set():
            sent.append(service.say(flowing, "какого х*я"))
            time.sleep(0.02)

    talker = threading.Thread(target=keep_talking)
    talker.start()
    try:
        new = service.wait_for(r"lexicon (\w+) live", 60, after=0 if service.live == "" else
                               service.output().find(f"lexicon {service.live}") + 1)
    finally:
        time.sleep(1)
        stop.set()
        talker.join()
    assert new != service.live
    found = service.verdict(chat, "ты чмоня")
    assert found is not None and found["lexicon_version"] == new
    assert [v["category"] for v in found["violations"]] == ["insult"]

    # nothing dropped while the version changed: every message judged, old version first, then new
    got = service.collector.wait(topics.VIOLATIONS, len(sent), timeout=60, chat_id=flowing)
    assert sorted(v["message_id"] for v in got) == sorted(sent)
    order = {mid: i for i, mid in enumerate(sent)}
    versions = [v["lexicon_version"] for v in sorted(got, key=lambda v: order[v["message_id"]])]
    assert set(versions) <= {service.live, new}
    assert versions == sorted(versions, key=lambda v: v == new), "the old version came back after the new one"
    service.live = new


@pytest.mark.parametrize("edit, why", [
    ("\nбалбесина\n  + ты балбесина\n  oops: an example without its sign\n", "an indented line must be an example"),
    ("\nбалбесина\n  + ты балбесина\n\n~(х|х)+уй\n  + хххуй\n", "(х|х)+уй"),
])
def test_a_broken_or_unsafe_edit_is_refused_and_the_version_in_force_stays(service, edit, why):
    before = (service.lexicons / "insult/strong.txt").read_text(encoding="utf-8")
    mark = service.edit("insult/strong.txt", edit)
    try:
        refusal = service.wait_for(r"(REFUSED.*)", 30, after=mark)
        assert "insult/strong.txt:" in service.output()[mark:]
        assert why in service.output()[mark:]
        assert refusal
        found = service.verdict(f"c-{uuid.uuid4().hex[:6]}", "ты балбесина")
        assert found is None                                 # the refused word never went live
        lint = service.dozor("lexicon", "lint", check=False)
        assert lint.returncode == 1                          # and lint says so to a CI, too
    finally:
        (service.lexicons / "insult/strong.txt").write_text(before, encoding="utf-8")
    service.wait_for(rf"lexicon ({service.live}) (?:published|already in force)", 30, after=mark)


def test_a_bundle_that_skips_the_checks_is_refused_by_the_worker_itself(service, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(service.lexicons, bad)
    with open(bad / "profanity/mat.txt", "a", encoding="utf-8") as fh:
        fh.write("\n~(х|х)+уй\n  + хххуй\n")
    publish = service.dozor("lexicon", "publish", "--dir", str(bad), check=False)
    assert publish.returncode == 1 and "(х|х)+уй" in publish.stderr       # the CLI checks first…
    # …and a maintainer's key does not make a bundle good: signed, but never checked
    record = signing.sign(bundles.pack(bad, "live", by="someone skipping the checks"), service.key())
    mark = service.send_bundle(record)
    service.wait_for(rf"(REFUSED live lexicon version {record['version']})", 60, after=mark)   # …the worker again
    found = service.verdict(f"c-{uuid.uuid4().hex[:6]}", "ты чмоня")
    assert found is not None and found["lexicon_version"] == service.live


CONTROL = "\nконтрольная\n  + завтра контрольная\n"      # a school test, made «profanity» by whoever can write


def _unsigned(record, key):
    return {k: v for k, v in record.items() if k != "signature"}


def _another_key(record, key):
    return signing.sign(record, Ed25519PrivateKey.generate())


def _altered(record, key):
    files = record["files"] | {"profanity/mat.txt": record["files"]["profanity/mat.txt"] + CONTROL}
    return record | {"files": files, "version": fingerprint({k: v.encode() for k, v in files.items()})}


FORGED = [("unsigned, produced straight to the topic", _unsigned, "unsigned"),
          ("signed with a key the worker does not trust", _another_key, "which this worker does not trust"),
          ("altered after a maintainer signed it", _altered, "altered after signing")]


@pytest.mark.parametrize("name, forge, why", FORGED, ids=[f[0] for f in FORGED])
def test_a_forged_bundle_sent_to_the_topic_is_refused_and_logged_and_the_version_in_force_stays(
        service, tmp_path, name, forge, why):
    edited = tmp_path / "edited"
    shutil.copytree(service.lexicons, edited)
    if forge is not _altered:
        with open(edited / "profanity/mat.txt", "a", encoding="utf-8") as fh:
            fh.write(CONTROL)
    record = forge(signing.sign(bundles.pack(edited, "live", by="not a maintainer"), service.key()), None)
    mark = service.send_bundle(record)
    service.wait_for(rf"(REFUSED live lexicon {record['version']}: [^\n]*{why})", 60, after=mark)
    assert f"lexicon {service.live} stays in force" in service.output()[mark:]
    chat = f"c-{uuid.uuid4().hex[:6]}"
    assert service.verdict(chat, "Завтра контрольная по математике") is None     # never went live
    found = service.verdict(chat, "какого х*я")
    assert found is not None and found["lexicon_version"] == service.live
    status = service.dozor("lexicon", "status").stdout                  # the maintainers see it was ignored
    assert record["version"] not in status and "not signed by a trusted key" in status


def test_a_signed_bundle_that_cuts_profanity_to_a_couple_of_words_is_refused(service, tmp_path):
    cut = tmp_path / "cut"
    shutil.copytree(service.lexicons, cut)
    for path in (cut / "profanity").glob("*.txt"):
        path.unlink()
    (cut / "profanity/swept.tsv").unlink(missing_ok=True)
    (cut / "profanity/mat.txt").write_text("категория: profanity\nсерьёзность: high\n\nхуй\n  + хуй\n"
                                           "сука\n  + вот сука\n", encoding="utf-8")
    publish = service.dozor("lexicon", "publish", "--dir", str(cut), check=False)
    assert publish.returncode == 1 and "profanity would keep 2 of the" in publish.stderr
    mark = service.send_bundle(signing.sign(bundles.pack(cut, "live", by="a careless script"), service.key()))
    service.wait_for(r"(REFUSED live lexicon version \w+ refused[^\n]*)", 90, after=mark)
    assert "profanity would keep 2 of the" in service.output()[mark:]
    found = service.verdict(f"c-{uuid.uuid4().hex[:6]}", "пиздец")
    assert found is not None and found["lexicon_version"] == service.live


def test_a_candidate_runs_in_shadow_is_reported_and_promoted(service, tmp_path):
    candidate = tmp_path / "candidate"
    shutil.copytree(service.lexicons, candidate)
    with open(candidate / "insult/strong.txt", "a", encoding="utf-8") as fh:
        fh.write("\nшмакодявка\n  + ты шмакодявка\n")
    mark = len(service.output())
    service.dozor("lexicon", "publish", "--shadow", "--dir", str(candidate))
    version = service.wait_for(r"lexicon (\w+) running in shadow", 60, after=mark)
    chat = f"c-{uuid.uuid4().hex[:6]}"
    assert service.verdict(chat, "ты шмакодявка") is None        # judged by the candidate, not acted on
    assert service.collector.get(topics.DECISIONS, chat_id=chat, message_id=None) == []
    deadline = time.monotonic() + 30
    while "newly flagged" not in (report := service.dozor("lexicon", "shadow-report").stdout):
        assert time.monotonic() < deadline, report
        time.sleep(1)
    assert f"candidate {version} beside live {service.live}" in report
    assert "«ты шмакодявка»: insult" in report
    status = service.dozor("lexicon", "status").stdout
    assert f"shadow: {version}" in status

    mark = len(service.output())
    service.dozor("lexicon", "promote")
    service.wait_for(rf"lexicon ({version}) live", 60, after=mark)
    found = service.verdict(chat, "ты шмакодявка")
    assert found is not None and found["lexicon_version"] == version
    assert "shadow: off" in service.dozor("lexicon", "status").stdout


def test_a_worker_starting_beside_a_bundle_it_cannot_finish_checking_starts_within_a_bound(service, tmp_path):
    """The topic keeps every bundle, so every new worker meets a bad one again: it must give up on it
    in bounded time and start, with the version of its image, saying so. Here the bound is made
    shorter than checking any version takes."""
    from tests.streams.harness import Worker

    data = tmp_path / "w"
    data.mkdir()
    other = Worker(service.env["KAFKA_BOOTSTRAP"], f"dozor-late-{uuid.uuid4().hex[:6]}", data)
    other.env.update({"DOZOR_LEXICON_TOPIC": service.env["DOZOR_LEXICON_TOPIC"],
                      "DOZOR_LEXICONS": service.env["DOZOR_LEXICONS"], "DOZOR_LEXICON_CHECK_SECONDS": "0.5",
                      "DOZOR_LEXICON_PUBLIC_KEY": str(signing.default_public(Path(service.env["DOZOR_DATA_DIR"])))})
    started = time.monotonic()
    other.start()
    try:
        deadline = time.monotonic() + 90
        while "the lexicons this worker started with" not in other.tail_log():
            assert other.proc.poll() is None, other.tail_log()
            assert time.monotonic() < deadline, other.tail_log()
            time.sleep(0.2)
        took = time.monotonic() - started
        log = other.tail_log()
        assert "took more than 0.5 s" in log and "REFUSED live lexicon version" in log
        assert took < 60, f"the worker took {took:.0f} s to start"
    finally:
        other.stop()
