"""Lexicon versions without a broker: the name of a version, the gate, bundles, shadow mode."""
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from filters.lexicon import bundle as bundles
from filters.model import Message
from filters.paths import lexicon_root
from filters.ruleset import LexiconRefused, default, load
from filters.shadow import disagreement, report
from tests.lexicons.folders import append

T0 = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
NEW_WORD = "\nчмоня\n  + ну ты и чмоня\n"


def msg(text, mid="m1"):
    return Message(mid, "c1", "u1", T0, text)




def test_a_version_is_named_by_its_files_and_every_verdict_carries_it(copy):
    shipped = default()
    assert load(copy).version == shipped.version          # the same files, the same name
    assert shipped.check(msg("какого х*я")).lexicon_version == shipped.version
    append(copy, "insult/strong.txt", NEW_WORD)
    edited = load(copy, validate=True)
    assert edited.version != shipped.version
    # the word alone: «ну ты и чмоня» the learned second opinion reads as an insult already
    assert [v.category for v in edited.check(msg("чмоня")).violations] == ["insult"]
    assert shipped.check(msg("чмоня")).violations == ()


@pytest.mark.parametrize("name, text, why", [
    ("insult/strong.txt", "  oops, not an example\n", "an indented line must be an example"),
    ("insult/strong.txt", "\nчмоня\n", "has no '+' example"),
    ("insult/strong.txt", "\nчмоня\n  + ну ты и чмоня\n  - ты чмоня\n", "must not be caught and is"),
    ("profanity/mat.txt", "\n~(х|х)+уй\n  + хххуй\n", "(х|х)+уй"),
    ("insult/strong.txt", "\nкоманд*\n  + командище\n  - ну ты и команда\n", None),   # fine: passes
])
def test_the_gate_refuses_a_version_that_fails_lint_or_its_examples(copy, name, text, why):
    append(copy, name, text)
    if why is None:
        load(copy, validate=True)
        return
    with pytest.raises(LexiconRefused) as refused:
        load(copy, validate=True)
    assert why in str(refused.value)
    assert f"{name}:" in str(refused.value)                  # says where


def test_a_bundle_round_trips_and_a_damaged_one_is_refused(copy, tmp_path):
    record = bundles.pack(copy, "live", by="test")
    assert record["version"] == load(copy).version
    back = bundles.unpack(json.loads(json.dumps(record)), tmp_path / "cache")
    assert load(back).version == record["version"]
    damaged = record | {"files": record["files"] | {"insult/strong.txt": "категория: insult\nхороший\n"}}
    with pytest.raises(bundles.BundleError, match="hash"):
        bundles.check(damaged)
    escaping = record | {"files": {"../../etc/passwd.txt": "x"}}
    with pytest.raises(bundles.BundleError, match="category/name"):
        bundles.check(escaping)
    with pytest.raises(bundles.BundleError):
        bundles.check({"mode": "everything"})


@pytest.mark.parametrize("text, added, removed", [
    ("чмоня", ["insult"], []),              # alone: the learned second opinion has no say in one word
    ("какого х*я", [], []),
    ("Доброе утро! Завтра контрольная", [], []),
])
def test_shadow_mode_records_only_where_the_candidate_would_act_differently(copy, text, added, removed):
    append(copy, "insult/strong.txt", NEW_WORD)
    live, candidate = default(), load(copy)
    found = disagreement(msg(text), live.check(msg(text)), candidate.check(msg(text)))
    if not added and not removed:
        assert found is None
        return
    assert (found["added"], found["removed"]) == (added, removed)
    assert (found["live_version"], found["candidate_version"]) == (live.version, candidate.version)
    assert found["text"] == text
    lines = report([found], 10)
    assert "10 messages compared, 1 disagree (10.0%)" in lines[0]
    assert "newly flagged: 1 — insult ×1" in lines[1]


def test_a_candidate_that_makes_a_finding_surer_disagrees_for_it_would_act_alone(copy):
    path = copy / "insult" / "aimed.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("уверенность: вероятно", "уверенность: точно"),
                    encoding="utf-8")
    text = "Корова, верни тетрадь"
    found = disagreement(msg(text), default().check(msg(text)), load(copy).check(msg(text)))
    assert found["changed"] == ["insult"] and found["added"] == found["removed"] == []
    assert "other certainty or severity: 1 — insult ×1" in report([found], 1)[1]


def test_a_report_shows_the_text_of_a_message_with_personal_data_only_masked(copy):
    append(copy, "insult/strong.txt", NEW_WORD)
    text = "чмоня, позвони 8 916 123-45-67"
    found = disagreement(msg(text), default().check(msg(text)), load(copy).check(msg(text)))
    assert found["added"] == ["insult"] and found["text"].startswith("чмоня, позвони ")
    assert "123-45" not in json.dumps(found, ensure_ascii=False) and found["text"].endswith("-67")


def test_replay_runs_a_candidate_in_shadow_and_acts_only_on_the_live_version(copy, tmp_path):
    append(copy, "insult/strong.txt", NEW_WORD)
    lines = [{"message_id": f"m{i}", "chat_id": "c1", "sender_id": "u1",
              "sent_at": f"2026-11-20T10:0{i}:00+03:00", "text": t}
             for i, t in enumerate(["чмоня", "какого х*я", "спасибо, справку принесём"])]
    src = tmp_path / "chat.jsonl"
    src.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "streams.cli", "replay", str(src), "--all", "--shadow", str(copy)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    acted = {d["message_id"] for d in out if d["type"] == "decision"}
    assert acted == {"m1"}                      # the swear only: the candidate's word is not acted on
    shadow = [d for d in out if d["type"] == "shadow"]
    assert [(d["message_id"], d["added"]) for d in shadow] == [("m0", ["insult"])]
    assert "3 messages compared, 1 disagree" in run.stderr
    assert all(v["lexicon_version"] == default().version for v in out if v["type"] == "violation")


def test_a_worker_does_not_start_on_lexicons_that_fail_the_gate(copy):
    shutil.copytree(lexicon_root() / "_charmaps", copy / "_charmaps")
    append(copy, "insult/strong.txt", "\nчмоня\n")           # an entry with no '+' example
    env = {**os.environ, "DOZOR_LEXICONS": str(copy), "KAFKA_BOOTSTRAP": "127.0.0.1:9"}
    run = subprocess.run([sys.executable, "-m", "streams.cli", "worker"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert "refused" in run.stderr and "insult/strong.txt:" in run.stderr and "'+' example" in run.stderr


# ------------------------------------------------- what a worker must survive
@pytest.mark.parametrize("name, text, why", [
    ("_hidden/words.txt", "категория: insult\n", "must be 'category/name.txt'"),
    (".git/words.txt", "категория: insult\n", "must be 'category/name.txt'"),
    ("insult/bad\x00name.txt", "категория: insult\n", "must be 'category/name.txt'"),
    ("insult/.hidden.txt", "категория: insult\n", "must be 'category/name.txt'"),
    ("insult/extra.txt", "\ud800", "not valid Unicode"),
    ("insult/huge.txt", "я" * 3_000_000, "too large"),
])
def test_a_bundle_a_worker_cannot_use_is_refused_with_a_reason(copy, name, text, why):
    record = bundles.pack(copy, "live")
    bad = record | {"files": record["files"] | {name: text}}
    with pytest.raises(bundles.BundleError, match=why):
        bundles.check(bad)


@pytest.mark.parametrize("damage, why", [
    (lambda f: [p.unlink() for p in (f / "threat").glob("*.txt")], "no entries for threat"),
    (lambda f: (f / "offtopic/domains.tsv").unlink(), "offtopic/domains.tsv"),
    (lambda f: (f / "insult/strong.txt").write_bytes("категория: insult\nдурак\n  + дурак\n".encode("cp1251")),
     "not UTF-8"),
])
def test_the_gate_refuses_a_version_that_would_switch_a_category_off_or_cannot_be_read(copy, damage, why):
    damage(copy)
    with pytest.raises(LexiconRefused, match=why):
        load(copy, validate=True)


def test_workers_sharing_a_cache_never_break_each_others_copy(copy, tmp_path):
    record = bundles.pack(copy, "live")
    cache = tmp_path / "cache"
    first = bundles.unpack(record, cache)
    assert bundles.unpack(record, cache) == first                 # the second finds it whole
    (first / "insult/strong.txt").unlink()                        # a leftover broken copy…
    again = bundles.unpack(record, cache)                         # …is replaced, not trusted
    assert load(again).version == record["version"]
    assert [p.name for p in cache.iterdir()] == [record["version"]]   # no temporary folders left


def test_a_bad_record_or_a_failing_candidate_never_stops_the_live_version(copy, tmp_path, key):
    from streams.lexicons import Lexicons
    from streams.signing import sign

    held = Lexicons(default(), tmp_path / "cache", [key.public_key()])
    record = bundles.pack(copy, "live")
    assert "ignored" in held.adopt(sign(record | {"files": {"x/../../a.txt": ""}}, key))
    assert held.adopt(sign({"mode": "live", "version": "x", "files": {"insult/a.txt": "\ud800"}}, key)).startswith(
        "lexicon bundle ignored")
    assert held.live is default()

    class Broken:
        version = "broken"

        def check(self, message):
            raise RuntimeError("a bug in the candidate")

    held.shadow = Broken()
    held.begin_batch()
    verdict = held.detect(msg("какого х*я"))
    assert [v.category for v in verdict.violations] == ["profanity"]   # the live verdict stands
    assert held.take_disagreements() == []


def test_a_starting_worker_takes_the_newest_live_version_it_accepts(copy, tmp_path, monkeypatch, key):
    from streams import lexicons
    from streams.signing import sign

    append(copy, "insult/strong.txt", NEW_WORD)
    good = sign(bundles.pack(copy, "live"), key)
    append(copy, "insult/strong.txt", "\nбалбес\n")                 # no '+' example: refused
    bad = sign(bundles.pack(copy, "live"), key)
    forged = bundles.pack(copy, "live")                             # newest, and unsigned
    monkeypatch.setattr(lexicons, "read_topic", lambda bootstrap: ([good, bad, forged], 3))
    held = lexicons.Lexicons(default(), tmp_path / "cache", [key.public_key()])
    lexicons.catch_up(held, "unused")
    assert held.live.version == good["version"] and held.offset == 3


def test_publishing_checks_what_a_worker_would_receive(tmp_path):
    from streams.lexicons import checked_bundle

    (tmp_path / "empty").mkdir()
    with pytest.raises(LexiconRefused):
        checked_bundle(tmp_path / "empty", "live")


def test_diff_takes_at_most_two_versions():
    run = subprocess.run([sys.executable, "-m", "streams.cli", "lexicon", "diff", "a", "b", "c"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "at most two versions" in run.stderr
