"""Contract §1 parsing: what is required, and errors a gateway developer can act on."""
import pytest

from filters.model import Message, MessageError

GOOD = {"message_id": "m-1", "chat_id": "c", "sender_id": "u", "sent_at": "2026-11-18T21:30:00+05:00",
        "text": "Завтра контрольная?"}

BAD = [
    ("not an object", ["m-1"], "JSON object"),
    ("no message_id", {k: v for k, v in GOOD.items() if k != "message_id"}, "'message_id' is required"),
    ("empty chat_id", {**GOOD, "chat_id": ""}, "'chat_id' is required"),
    ("no sent_at", {k: v for k, v in GOOD.items() if k != "sent_at"}, "'sent_at' is required"),
    ("sent_at not a time", {**GOOD, "sent_at": "вчера"}, "not an ISO 8601 time"),
    ("sent_at without offset", {**GOOD, "sent_at": "2026-11-18T21:30:00"}, "no UTC offset"),
    ("text not a string", {**GOOD, "text": 42}, "'text' must be a string"),
    ("unknown role", {**GOOD, "sender_role": "director"}, "'sender_role' must be one of"),
    ("attachment without kind", {**GOOD, "attachments": [{"file_name": "a.jpg"}]}, "attachments[0]"),
    ("empty text, no attachments", {**GOOD, "text": ""}, "needs a 'text' or"),
    ("unknown chat kind", {**GOOD, "chat": {"kind": "party"}}, "chat.kind"),
]


@pytest.mark.parametrize("name,data,message", BAD, ids=[c[0] for c in BAD])
def test_bad_message_says_what_is_wrong(name, data, message):
    with pytest.raises(MessageError) as err:
        Message.from_dict(data)
    assert message in str(err.value)


def test_z_offset_and_unknown_fields_are_fine():
    msg = Message.from_dict({**GOOD, "sent_at": "2026-11-18T16:30:00Z", "reply_to": "m-0"})
    assert msg.sent_at.utcoffset().total_seconds() == 0
    assert msg.raw["reply_to"] == "m-0"


def test_a_sticker_needs_no_text():
    msg = Message.from_dict({**GOOD, "text": "", "attachments": [{"kind": "sticker"}]})
    assert msg.attachments[0]["kind"] == "sticker"


def test_a_verdict_masks_the_personal_data_it_found_in_a_text_it_quotes():
    from filters import check

    text = "Простите меня все. Мой номер 8 916 123-45-67, почта petrov1980@yandex.ru"
    shown = check(Message.from_dict({**GOOD, "text": text})).masked(text)
    assert shown.startswith("Простите меня все. Мой номер ") and "123-45" not in shown and "petrov1980" not in shown
    assert "-67" in shown and "@yandex.ru" in shown
