"""Quality floors on real data nobody here wrote (../shared/datasets, ../shared/seeds).

The floors are the issues': swearing alone beats the best peer (slaviclean with
morphology) on recall at precision ≥ 0.97 on ok.ru, and on disguised swearing;
with insults, threats and hate, ok.ru recall ≥ 0.70 at precision ≥ 0.95 and
disguised vk recall ≥ 0.55. Label `toxic` = insults, threats and obscenity.
"""
from datetime import datetime, timezone

import pytest

from filters import Message, check
from tests.conftest import flags, read_jsonl, shared_file

TOXIC = {"profanity", "insult", "threat", "hate"}


def toxic(text: str) -> bool:
    msg = Message("d", "c", "u", datetime(2026, 11, 18, 12, tzinfo=timezone.utc), text or " ")
    return any(v.category in TOXIC for v in check(msg).violations)


def score(detector, rows):
    tp = fp = fn = tn = 0
    for row in rows:
        hit = flags(detector, row["text"]) is not None
        toxic = "toxic" in row["labels"]
        tp += hit and toxic
        fp += hit and not toxic
        fn += not hit and toxic
        tn += not hit and not toxic
    return tp / (tp + fp), tp / (tp + fn)


def test_okru_precision_and_recall_beat_the_best_peer(profanity):
    precision, recall = score(profanity, read_jsonl(shared_file("datasets", "ru_okcup_sample2000.jsonl")))
    assert precision >= 0.97
    assert recall > 0.576


def test_disguised_vk_swearing_beats_the_best_peer(profanity):
    rows = read_jsonl(shared_file("datasets", "ru_vk_distorted_toxicity.jsonl"))
    disguised = [r for r in rows if r.get("distortion") == 1 and "toxic" in r["labels"]]
    assert len(disguised) == 90
    caught = sum(flags(profanity, r["text"]) is not None for r in disguised)
    assert caught / len(disguised) > 0.389


def test_no_line_of_the_school_regulations_is_flagged():
    folder = shared_file("seeds")
    flagged = [(p.name, line) for p in sorted(folder.glob("*.txt"))
               for line in p.read_text(encoding="utf-8").splitlines()
               if line.strip() and toxic(line)]
    assert flagged == []


def test_okru_with_every_toxic_category():
    rows = read_jsonl(shared_file("datasets", "ru_okcup_sample2000.jsonl"))
    tp = sum(toxic(r["text"]) for r in rows if r["labels"])
    fp = sum(toxic(r["text"]) for r in rows if not r["labels"])
    assert tp / (tp + fp) >= 0.95
    assert tp / sum(1 for r in rows if r["labels"]) >= 0.70


def test_disguised_vk_comments_with_every_toxic_category():
    rows = read_jsonl(shared_file("datasets", "ru_vk_distorted_toxicity.jsonl"))
    disguised = [r for r in rows if r.get("distortion") == 1 and "toxic" in r["labels"]]
    assert sum(toxic(r["text"]) for r in disguised) / len(disguised) >= 0.55


@pytest.mark.parametrize("category", sorted(TOXIC))
def test_probe_cases(category):
    cases = read_jsonl(shared_file("datasets", "probe.jsonl"))
    got = {c["message_id"]: {v.category for v in check(Message.from_dict(c)).violations} for c in cases}
    missed = [c["text"] for c in cases if category in c["expect"] and category not in got[c["message_id"]]]
    false = [c["text"] for c in cases if category not in c["expect"] and category in got[c["message_id"]]]
    assert (missed, false) == ([], [])
