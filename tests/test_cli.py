"""`dozor check` and `dozor lexicon` as a user runs them."""
import io
import json
import subprocess
import sys

import pytest

from streams.cli import _check_jsonl, main

GOOD = {"message_id": "m-1", "chat_id": "c", "sender_id": "u", "sent_at": "2026-11-18T21:30:00+05:00"}


def run_jsonl(lines):
    out = io.StringIO()
    code = _check_jsonl(io.StringIO("".join(l + "\n" for l in lines)), out)
    return code, [json.loads(l) for l in out.getvalue().splitlines()]


def test_jsonl_gives_one_verdict_per_message_in_order():
    code, out = run_jsonl([json.dumps({**GOOD, "text": "пи**ец"}, ensure_ascii=False),
                           json.dumps({**GOOD, "message_id": "m-2", "text": "Подстрахуйте детей"},
                                      ensure_ascii=False)])
    assert code == 0
    assert [v["message_id"] for v in out] == ["m-1", "m-2"]
    assert out[0]["violations"][0]["category"] == "profanity"
    assert out[0]["violations"][0]["evidence"][0] == {
        "start": 0, "end": 6, "text": "пи**ец", "normalized": "пиздец", "entry": "пиздец",
        "source": out[0]["violations"][0]["evidence"][0]["source"]}
    assert out[1]["violations"] == []


def test_a_bad_line_is_an_error_object_and_the_rest_still_runs():
    code, out = run_jsonl(["{not json", json.dumps({**GOOD, "sent_at": "вчера", "text": "x"}),
                           json.dumps({**GOOD, "message_id": "m-3", "text": "хууууй"}, ensure_ascii=False)])
    assert code == 1
    assert out[0]["line"] == 1 and "not JSON" in out[0]["error"]
    assert out[1]["line"] == 2 and out[1]["message_id"] == "m-1" and "sent_at" in out[1]["error"]
    assert out[2]["message_id"] == "m-3" and out[2]["violations"]


STREAM = [  # (what the line shows, the line): one file of them, as `dozor check --jsonl` reads it
    ("a clean message", {**GOOD, "message_id": "s-1", "text": "Завтра контрольная по математике?"}),
    ("swearing behind a mask", {**GOOD, "message_id": "s-2", "text": "пи**ец, опять домашку не задали"}),
    ("empty talk", {**GOOD, "message_id": "s-3", "text": "Доброе утро всем!!! 🌸"}),
    ("a parent's phone number", {**GOOD, "message_id": "s-4", "text": "Звоните мне 8 916 123-45-67 после шести"}),
    ("sent at night", {**GOOD, "message_id": "s-5", "sent_at": "2026-11-18T23:40:00+05:00",
                       "text": "Кто сделал русский, скиньте"}),
    ("a lone surrogate, repaired", {**GOOD, "message_id": "s-6", "text": "хорошо\ud800"}),
    ("a blank line", ""),
    ("not JSON", "{сломанная строка"),
    ("not a message", {**GOOD, "message_id": "s-9", "sent_at": "вчера", "text": "Спасибо!"}),
    ("a chat of its own zone", {**GOOD, "message_id": "s-10", "text": "Родительское собрание в 18:00",
                                "chat": {"kind": "parents", "timezone": "Asia/Yekaterinburg"}}),
]


def _stream_bytes(lines) -> bytes:
    return b"".join((l if isinstance(l, str) else json.dumps(l, ensure_ascii=False)).encode("utf-8", "surrogatepass")
                    + b"\n" for l in lines)


@pytest.mark.parametrize("binary", [False, True], ids=["text stream", "byte stream"])
def test_a_file_of_many_lines_gets_what_each_line_gets_alone(binary):
    """Reading, judging and writing in bulk changes no byte: each line alone (after as many blank lines
    as stood before it, so its number is the same) is answered exactly as inside the whole file."""
    def answer(data: bytes) -> tuple[int, bytes]:
        if binary:
            raw = io.BytesIO()
            out = io.TextIOWrapper(raw, encoding="ascii", write_through=True)
            code = _check_jsonl(io.BufferedReader(io.BytesIO(data)), out)
            return code, raw.getvalue()
        out = io.StringIO()
        code = _check_jsonl(io.StringIO(data.decode("utf-8", "surrogatepass")), out)
        return code, out.getvalue().encode("utf-8", "surrogatepass")

    lines = [l for _, l in STREAM] * 3
    code, whole = answer(_stream_bytes(lines))
    alone = [answer(b"\n" * i + _stream_bytes([l])) for i, l in enumerate(lines)]
    assert whole == b"".join(out for _, out in alone)
    assert code == max(c for c, _ in alone) == 1
    assert whole.count(b"\n") == len(lines) - 3          # a blank line gets no answer


def test_check_texts_readable(capsys):
    assert main(["check", "какого х*я", "Скипидар и кисти"]) == 0
    out = capsys.readouterr().out
    assert "✗ arg-1" in out and "«х*я» at 7–10 read as «хуя»" in out
    assert "✓ arg-2" in out


def test_check_demo_runs_the_bundled_chat(capsys):
    assert main(["check", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("✗") >= 4 and "Подстрахуйте" in out


def test_lexicon_commands_exit_zero_on_the_shipped_lexicon(capsys):
    assert main(["lexicon", "lint"]) == 0
    assert main(["lexicon", "test"]) == 0
    assert main(["lexicon", "explain", "застрахуй", "ох*еть"]) == 0
    out = capsys.readouterr().out
    assert "a dictionary word (lemma «застраховать»)" in out and "read as «охуеть»" in out


def test_the_installed_command_works():
    out = subprocess.run([sys.executable, "-m", "streams.cli", "check", "--jsonl"],
                         input=json.dumps({**GOOD, "text": "pizdec"}), capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out)["violations"][0]["evidence"][0]["normalized"] == "пиздец"


def test_check_texts_judge_content_only_unless_a_send_time_is_given(capsys):
    # «Скипидар и кисти» at 22:44 used to be a quiet-hours reminder whenever the suite ran at night
    assert main(["check", "Скипидар и кисти"]) == 0
    assert "✓ arg-1" in capsys.readouterr().out
    assert main(["check", "--at", "22:44", "Скипидар и кисти"]) == 0
    out = capsys.readouterr().out
    assert "quiet_hours" in out and "22:44 chat time" in out
    assert main(["check", "--at", "2026-11-18T10:00:00+03:00", "Скипидар и кисти"]) == 0
    assert "✓ arg-1" in capsys.readouterr().out


@pytest.mark.parametrize("value,reason", [("25:00", "time of day"), ("завтра", "ISO 8601"),
                                          ("2026-11-18T22:44:00", "no UTC offset")])
def test_check_at_says_what_is_wrong(value, reason, capsys):
    assert main(["check", "--at", value, "текст"]) == 2
    assert reason in capsys.readouterr().err


DEMO_NOW = [  # (what the case shows, now, the sample's first message after the shift)
    ("evening run", "2026-12-01T22:30:00+03:00", "2026-12-01T08:02:00+05:00"),
    ("early morning run", "2026-12-01T05:40:00+05:00", "2026-11-30T08:02:00+05:00"),
    ("a sample dated in the future", "2026-11-10T12:00:00+05:00", "2026-11-10T08:02:00+05:00"),
]


@pytest.mark.parametrize("name,now,first", DEMO_NOW, ids=[c[0] for c in DEMO_NOW])
def test_the_demo_keeps_the_sample_time_of_day_and_stays_in_the_past(name, now, first):
    from datetime import datetime

    from streams.service import SAMPLE, demo_shift

    times = [datetime.fromisoformat(json.loads(l)["sent_at"]) for l in SAMPLE.read_text().splitlines() if l.strip()]
    shift = demo_shift(times, datetime.fromisoformat(now))
    assert times[0] + shift == datetime.fromisoformat(first)
    assert max(times) + shift <= datetime.fromisoformat(now)
