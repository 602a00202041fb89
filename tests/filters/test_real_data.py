"""Quality floors on real data nobody here wrote (../shared/datasets, ../shared/seeds).

The floors are the issue's: beat the best peer (slaviclean with morphology) on
recall while keeping precision ≥ 0.97 on ok.ru, and beat it on disguised swearing.
Label `toxic` includes insults, so recall here is a lower bound for swearing.
"""
import pytest

from tests.conftest import flags, read_jsonl, shared_file


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


def test_no_line_of_the_school_regulations_is_flagged(profanity):
    folder = shared_file("seeds")
    flagged = [(p.name, line) for p in sorted(folder.glob("*.txt"))
               for line in p.read_text(encoding="utf-8").splitlines()
               if line.strip() and flags(profanity, line) is not None]
    assert flagged == []


def test_probe_profanity_cases(profanity):
    cases = read_jsonl(shared_file("datasets", "probe.jsonl"))
    missed = [c["text"] for c in cases if "profanity" in c["expect"] and flags(profanity, c["text"]) is None]
    false = [c["text"] for c in cases if "profanity" not in c["expect"] and flags(profanity, c["text"]) is not None]
    assert (missed, false) == ([], [])
