"""The door: whatever a gateway sends, `Message.from_dict` answers with a message or a MessageError
naming the field, and `dozor check --jsonl` answers every line (issue 11: one bad record used to
lose the hundreds around it)."""
import io
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filters import check
from filters.door import MAX_DEPTH, MAX_RECORD_BYTES, decode_json, depth
from filters.model import Message, MessageError
from streams.cli import _check_jsonl

GOOD = {"message_id": "m-1", "chat_id": "c", "sender_id": "u", "sent_at": "2026-11-18T12:30:00+05:00",
        "text": "Завтра контрольная?"}


def nested(levels: int):
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


# (case, the record, what the error must say: the field, and what is wrong with it)
MALFORMED = [
    ("message_id a number", {**GOOD, "message_id": 42}, "'message_id' is required and must be a non-empty string"),
    ("message_id blank", {**GOOD, "message_id": "  "}, "'message_id' is required"),
    ("sender_id a lone surrogate", {**GOOD, "sender_id": "u\ud800"}, "'sender_id' holds a lone surrogate"),
    ("chat_id with NUL", {**GOOD, "chat_id": "c\x00"}, "'chat_id' holds control character U+0000"),
    ("message_id with a newline", {**GOOD, "message_id": "m\n1"}, "'message_id' holds control character U+000A"),
    ("message_id too long", {**GOOD, "message_id": "m" * 300}, "'message_id' must be at most 256 characters"),
    ("sent_at a number", {**GOOD, "sent_at": 1763457000}, "'sent_at': expected an ISO 8601 time"),
    ("sent_at year 0001", {**GOOD, "sent_at": "0001-01-01T00:00:00+05:00"}, "'sent_at'"),
    ("sent_at year 9999", {**GOOD, "sent_at": "9999-12-31T23:59:59-05:00"}, "out of range (year 9999)"),
    ("sent_at year 3000", {**GOOD, "sent_at": "3000-01-01T00:00:00Z"}, "dozor takes years 2000–2099"),
    ("sent_at year 1970", {**GOOD, "sent_at": "1970-01-01T00:00:00Z"}, "out of range (year 1970)"),
    ("sent_at with NUL", {**GOOD, "sent_at": "2026-11-18\x00T12:30:00Z"}, "'sent_at'"),
    ("sent_at a huge string", {**GOOD, "sent_at": "2" * 100_000}, "'sent_at'"),
    ("text a list", {**GOOD, "text": ["a"]}, "'text' must be a string"),
    ("text only NUL", {**GOOD, "text": "\x00\x00"}, "needs a 'text' or at least one attachment"),
    ("sender_role a dict", {**GOOD, "sender_role": {"x": 1}}, "'sender_role' must be one of"),
    ("attachments an object", {**GOOD, "attachments": {"kind": "image"}}, "'attachments' must be a list of objects"),
    ("attachment a string", {**GOOD, "attachments": ["image"]}, "attachments[0] needs 'kind'"),
    ("attachment kind a list", {**GOOD, "attachments": [{"kind": ["image"]}]}, "attachments[0] needs 'kind'"),
    ("the 10th attachment broken", {**GOOD, "attachments": [{"kind": "image"}] * 9 + [{}]},
     "attachments[9] needs 'kind'"),
    ("100,000 attachments", {**GOOD, "attachments": [{"kind": "image"}] * 100_000}, "at most 100"),
    ("caption a number", {**GOOD, "attachments": [{"kind": "image", "caption": 5}]},
     "attachments[0].caption must be a string"),
    ("file_name an object", {**GOOD, "attachments": [{"kind": "file", "file_name": {}}]},
     "attachments[0].file_name must be a string"),
    ("chat a string", {**GOOD, "chat": "parents"}, "'chat' must be an object"),
    ("chat.kind a number", {**GOOD, "chat": {"kind": 1}}, "chat.kind must be one of"),
    ("chat.kind null", {**GOOD, "chat": {"kind": None}}, "chat.kind must be one of"),
    ("chat.timezone a number", {**GOOD, "chat": {"timezone": 5}}, "chat.timezone must be a string"),
    ("chat.timezone a list", {**GOOD, "chat": {"timezone": ["Europe/Moscow"]}}, "chat.timezone must be a string"),
    ("chat.timezone a directory", {**GOOD, "chat": {"timezone": "Europe"}}, "chat.timezone 'Europe' is not an IANA"),
    ("chat.timezone a path", {**GOOD, "chat": {"timezone": "../../etc/passwd"}}, "is not an IANA time zone"),
    ("chat.timezone too long", {**GOOD, "chat": {"timezone": "A" * 5000}}, "is not an IANA time zone"),
    ("chat.timezone unknown", {**GOOD, "chat": {"timezone": "Mars/Olympus"}}, "is not an IANA time zone"),
    ("chat.timezone with NUL", {**GOOD, "chat": {"timezone": "Europe/Moscow\x00"}}, "is not an IANA time zone"),
    ("chat.timezone a surrogate", {**GOOD, "chat": {"timezone": "Europe/\udc00"}}, "is not an IANA time zone"),
    ("nested too deep", {**GOOD, "extra": nested(MAX_DEPTH + 5)}, f"nests more than {MAX_DEPTH} levels"),
    ("not an object", [GOOD], "must be a JSON object, got list"),
    ("a string", "m-1", "must be a JSON object, got str"),
]


@pytest.mark.parametrize("case,data,says", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_a_malformed_message_is_a_message_error_naming_the_field(case, data, says):
    with pytest.raises(MessageError) as err:
        Message.from_dict(data)
    text = str(err.value)
    assert says in text
    assert len(text) < 400, "an error quotes a bounded piece of what it refuses"
    text.encode("utf-8")            # no lone surrogate in a reason: it goes to dead letters and logs


def test_an_error_never_quotes_personal_data_it_refuses():
    with pytest.raises(MessageError) as err:
        Message.from_dict({**GOOD, "sender_role": "+7 916 123-45-67"})
    assert "123-45" not in str(err.value) and "-67" in str(err.value)


# (case, text in, text judged, what `repairs` says)
REPAIRED = [
    ("a lone surrogate", "привет\ud800 всем", "привет\ufffd всем", "1 lone surrogate(s) replaced with U+FFFD"),
    ("NUL", "при\x00вет", "привет", "1 NUL or control character(s) dropped"),
    ("controls and DEL", "a\x07b\x1bc\x7fd\x85e", "abcde", "4 NUL or control character(s) dropped"),
    ("both", "\udfffa\x00", "\ufffda", "1 lone surrogate(s)"),
]


@pytest.mark.parametrize("case,text,judged,says", REPAIRED, ids=[c[0] for c in REPAIRED])
def test_a_broken_text_is_repaired_and_the_message_says_so(case, text, judged, says):
    msg = Message.from_dict({**GOOD, "text": text})
    assert msg.text == judged
    assert any(says in r for r in msg.repairs) and msg.repairs[0].startswith("text: ")
    assert msg.raw["text"] == text                  # what arrived is kept as it arrived


def test_tabs_and_line_breaks_are_text_and_a_clean_message_has_no_repairs():
    msg = Message.from_dict({**GOOD, "text": "строка\tодна\r\nстрока две"})
    assert msg.text == "строка\tодна\r\nстрока две" and msg.repairs == ()


def test_a_nul_inside_a_word_does_not_hide_it():
    verdict = check(Message.from_dict({**GOOD, "text": "какого х\x00\x00у\x00я"}))
    assert [v.category for v in verdict.violations] == ["profanity"]


def test_attachment_strings_are_repaired_and_unknown_fields_kept():
    msg = Message.from_dict({**GOOD, "text": "", "reply_to": "m-0", "x": {"deep": [1, 2]},
                             "attachments": [{"kind": "image", "caption": "С праздником\ud800", "size": 5}]})
    assert msg.attachments[0] == {"kind": "image", "caption": "С праздником\ufffd", "size": 5}
    assert "attachments: 1 string(s) repaired" in msg.repairs[0]
    assert msg.raw["attachments"][0]["caption"].endswith("\ud800") and msg.raw["reply_to"] == "m-0"


def test_an_album_passes_and_thousands_of_attachments_are_no_message():
    assert len(Message.from_dict({**GOOD, "attachments": [{"kind": "image"}] * 10}).attachments) == 10
    with pytest.raises(MessageError, match="at most 100"):
        Message.from_dict({**GOOD, "attachments": [{"kind": "sticker"}] * 100_000})


def test_the_edges_of_the_years_dozor_takes():
    assert Message.from_dict({**GOOD, "sent_at": "2000-01-01T00:00:00+05:00"}).sent_at.year == 2000
    assert Message.from_dict({**GOOD, "sent_at": "2099-12-31T23:59:59-12:00"}).sent_at.year == 2099


def test_depth_is_counted_without_recursion_and_stops_early():
    assert depth("x") == 0 and depth({"a": [1]}) == 2
    assert depth(nested(100_000)) == MAX_DEPTH + 1


DECODE = [
    ("not UTF-8", "Привет".encode("cp1251"), "not UTF-8: byte 0xcf at position 0"),
    ("Windows-1251 said so", '{"text": "Привет всем"}'.encode("cp1251"), "reads as Windows-1251"),
    ("UTF-16", '{"a": 1}'.encode("utf-16"), "not UTF-8"),
    ("not JSON", b"{not json", "not JSON: Expecting property name"),
    ("10k-level nesting", b"[" * 10_000 + b"]" * 10_000, "nested too deep to read"),
    ("a number of 5,000 digits", b"1" * 5_000, "a number of more than 4,300 digits"),
    ("over the size limit", b" " * (MAX_RECORD_BYTES + 1), "over the 1,048,576 dozor reads"),
]


@pytest.mark.parametrize("case,raw,says", DECODE, ids=[c[0] for c in DECODE])
def test_a_record_that_cannot_be_read_says_why(case, raw, says):
    with pytest.raises(ValueError) as err:
        decode_json(raw)
    assert says in str(err.value)


def test_a_byte_order_mark_is_not_the_record():
    assert decode_json("\ufeff{}".encode("utf-8")) == {}


# ------------------------------------------------------------- dozor check --jsonl
def run(data: bytes):
    """`dozor check --jsonl` on these bytes, as stdin gives them: (exit code, output lines as bytes)."""
    out = io.BytesIO()
    stdout = _Text(out)
    code = _check_jsonl(io.BytesIO(data), stdout)
    written = out.getvalue()
    stdout.detach()                 # the BytesIO is not the wrapper's to close
    return code, written.split(b"\n")[:-1]


class _Text(io.TextIOWrapper):
    """A stdout whose text layer is ASCII: only what goes through `.buffer` as UTF-8 survives."""
    def __init__(self, raw):
        super().__init__(raw, encoding="ascii", write_through=True)


def expected_answers(data: bytes) -> int:
    """How many lines must be answered: every line but a blank one (blank is no message)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    blank = 0
    for line in lines:
        try:
            blank += not line.decode("utf-8").strip()
        except UnicodeDecodeError:
            pass
    return len(lines) - blank


def answers(lines: list[bytes]) -> list[dict]:
    out = [json.loads(line.decode("utf-8")) for line in lines]      # every line UTF-8 JSON
    for a in out:
        assert isinstance(a, dict) and ("violations" in a) != ("error" in a)
    return out


def test_every_line_is_answered_in_order_whatever_its_bytes():
    good = json.dumps(GOOD, ensure_ascii=False).encode()
    lines = [good, "Привет".encode("cp1251"), b"{not json", b"[1, 2]", b"[" * 10_000 + b"]" * 10_000,
             b"", json.dumps({**GOOD, "message_id": "m-2", "chat": {"timezone": 5}}).encode(),
             json.dumps({**GOOD, "message_id": "m-3", "sent_at": "0001-01-01T00:00:00+05:00"}).encode(),
             json.dumps({**GOOD, "message_id": "m-4", "sender_id": "u\ud800"}).encode(),
             json.dumps({**GOOD, "message_id": "m-5", "text": "пи**ец\ud800"}).encode(),
             b"x" * (3 * MAX_RECORD_BYTES), good]
    code, out = run(b"\n".join(lines) + b"\n")
    got = answers(out)
    assert code == 1 and len(got) == len(lines) - 1
    assert [a.get("line") for a in got] == [None, 2, 3, 4, 5, 7, 8, 9, None, 11, None]
    assert got[0]["message_id"] == "m-1" and "violations" in got[0]
    assert "line 2: not UTF-8" in got[1]["error"] and "Windows-1251" in got[1]["error"]
    assert "not JSON" in got[2]["error"]
    assert "must be a JSON object, got list" in got[3]["error"]
    assert "nested too deep" in got[4]["error"]
    assert got[5]["message_id"] == "m-2" and "chat.timezone must be a string" in got[5]["error"]
    assert got[6]["message_id"] == "m-3" and "out of range (year 1)" in got[6]["error"]
    assert "message_id" in got[7] and "'sender_id' holds a lone surrogate" in got[7]["error"]
    assert got[8]["message_id"] == "m-5" and got[8]["violations"][0]["category"] == "profanity"
    assert got[8]["repaired"] == ["text: 1 lone surrogate(s) replaced with U+FFFD"]
    assert "3,145,728 bytes, over the 1,048,576" in got[9]["error"]
    assert got[10]["message_id"] == "m-1"


def test_an_id_that_cannot_be_one_is_not_echoed():
    code, out = run(json.dumps({**GOOD, "message_id": "m\ud800", "text": 5}).encode() + b"\n")
    assert code == 1 and "message_id" not in answers(out)[0]


def test_text_streams_still_work():
    src, dst = io.StringIO(json.dumps(GOOD) + "\n\n{\n"), io.StringIO()
    assert _check_jsonl(src, dst) == 1
    assert [json.loads(l).get("line") for l in dst.getvalue().splitlines()] == [None, 3]


def test_the_command_answers_broken_bytes_and_writes_utf8_whatever_the_locale():
    data = (json.dumps({**GOOD, "text": "пи**ец\ud800"}).encode() + b"\n\xff\xfe\n"
            + json.dumps({**GOOD, "message_id": "m-2"}, ensure_ascii=False).encode() + b"\n")
    done = subprocess.run([sys.executable, "-m", "streams.cli", "check", "--jsonl"], input=data,
                          capture_output=True, env={"PYTHONIOENCODING": "ascii", "PATH": ""}, timeout=120)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    got = answers(done.stdout.split(b"\n")[:-1])
    assert [a.get("message_id") for a in got] == ["m-1", None, "m-2"] and "not UTF-8" in got[1]["error"]
    assert b"Traceback" not in done.stderr


# -------------------------------------------------------------- property tests
ids = st.one_of(st.text(min_size=1, max_size=8), st.integers(), st.none(), st.just("u\ud800"),
                st.just("m\x00"), st.just(""), st.text(st.characters(exclude_categories=()), max_size=4))
times = st.one_of(st.just(GOOD["sent_at"]), st.integers(1, 9999).map(lambda y: f"{y:04d}-06-01T12:00:00+03:00"),
                  st.text(max_size=30), st.integers(), st.none(), st.floats())
texts = st.one_of(st.text(st.characters(exclude_categories=()), max_size=60),
                  st.sampled_from(["пи**ец", "Позвоните 8 916 123-45-67", "скидки shop.ru/?phone=79161234567",
                                   "🙏🙏🙏", "Доброе утро всем!", ""]),
                  st.none(), st.integers(), st.lists(st.text(max_size=3), max_size=2))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() |
                           st.text(st.characters(exclude_categories=()), max_size=10),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                           max_leaves=20)
attachments = st.one_of(st.none(), json_values, st.lists(st.one_of(
    st.fixed_dictionaries({"kind": st.sampled_from(["sticker", "image", "gif", "link", "other"])},
                          optional={"caption": st.one_of(st.text(st.characters(exclude_categories=()), max_size=20),
                                                         st.integers()),
                                    "file_name": st.text(max_size=20)}),
    json_values), max_size=4))
chats = st.one_of(st.none(), json_values, st.fixed_dictionaries(
    {}, optional={"kind": st.one_of(st.sampled_from(["parents", "staff", "party"]), json_values),
                  "timezone": st.one_of(st.sampled_from(["Asia/Yekaterinburg", "Europe", "UTC", "../x", ""]),
                                        json_values)}))
messages = st.fixed_dictionaries(
    {}, optional={"message_id": ids, "chat_id": ids, "sender_id": ids, "sent_at": times, "text": texts,
                  "sender_role": st.one_of(st.sampled_from(["parent", "teacher", "director"]), json_values),
                  "attachments": attachments, "chat": chats, "extra": json_values})


def lines_of(values) -> bytes:
    """JSONL the way a careless gateway writes it: escapes for surrogates, so any value is bytes."""
    return b"".join(json.dumps(v, ensure_ascii=True).encode("ascii") + b"\n" for v in values)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def holds(data: bytes) -> None:
    code, out = run(data)
    got = answers(out)
    assert len(got) == expected_answers(data)
    assert code == (1 if any("error" in a for a in got) else 0)
    numbered = [a["line"] for a in got if "line" in a]
    assert numbered == sorted(numbered)


@PROPERTY
@given(st.binary(max_size=400))
def test_random_bytes_are_always_answered(data):
    holds(data)


@PROPERTY
@given(st.lists(st.binary(max_size=80).filter(lambda b: b"\n" not in b), max_size=6))
def test_random_byte_lines_are_each_answered(lines):
    holds(b"".join(line + b"\n" for line in lines))


@PROPERTY
@given(st.lists(json_values, max_size=5))
def test_random_json_values_are_always_answered(values):
    holds(lines_of(values))


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 3_000), st.sampled_from(["[]", "{}"])), min_size=1, max_size=3))
def test_random_nesting_is_always_answered(shapes):
    def nest(levels, kind):
        return ("[" * levels + "]" * levels) if kind == "[]" else ('{"a":' * levels + "1" + "}" * levels)
    holds(b"".join((json.dumps({**GOOD, "extra": "x"})[:-1] + ', "deep": ' + nest(n, k) + "}\n").encode()
                   for n, k in shapes))


@PROPERTY
@given(st.lists(messages, min_size=1, max_size=4))
def test_random_messages_are_always_answered(values):
    holds(lines_of(values))
