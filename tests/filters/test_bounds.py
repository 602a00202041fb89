"""What one message may cost (filters/pipeline.py): the length judged, the attachments read, the
time budget. Behaviour only: how fast is benchmarks/pathological.py's to say, never a test's."""
from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filters import budget, check, pipeline
from filters.model import CATEGORIES, Message
from filters.ruleset import default

NOON = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
NIGHT = datetime(2026, 11, 18, 23, 30, tzinfo=timezone.utc)       # 02:30 in Moscow


def msg(text: str = "", at: datetime = NOON, **kw) -> Message:
    return Message("m-1", "sch31-5b-parents", "u-1", at, text, sender_role="parent", **kw)


def run(message: Message, **kw):
    ruleset = default()
    return pipeline.run(message, ruleset.detectors, ruleset.version, **kw)


# ------------------------------------------------------------------ length
def test_a_message_past_the_limit_is_judged_in_its_first_part_and_says_so():
    text = "Ты дебил. " + "Завтра собрание в актовом зале. " * 400        # 12,810 characters
    verdict = check(msg(text))
    assert verdict.truncated == {"judged": verdict.truncated["judged"], "length": len(text)}
    assert pipeline.MAX_CHARS - pipeline.BACKTRACK < verdict.truncated["judged"] <= pipeline.MAX_CHARS
    assert [v.category for v in verdict.violations] == ["insult"]
    assert verdict.to_dict()["truncated"] == verdict.truncated


def test_what_stands_past_the_limit_is_not_read():
    text = "Завтра собрание в актовом зале. " * 200 + "Ты дебил."
    verdict = check(msg(text))
    assert verdict.violations == ()
    assert verdict.truncated["length"] == len(text)


def test_the_cut_does_not_halve_a_word():
    # «…п|отреблять» cut at the limit would be judged as a word nobody wrote
    text = "завтра " * 585 + "потреблять много"
    assert len(text) > pipeline.MAX_CHARS and text[pipeline.MAX_CHARS - 1:pipeline.MAX_CHARS + 1] == "по"
    verdict = check(msg(text))
    assert verdict.truncated["judged"] == 7 * 585
    assert verdict.violations == ()


def test_evidence_offsets_still_index_the_text_as_sent():
    text = "Завтра в 9:00 сбор, не опаздывайте, х*й знает что будет. " + "ну " * 3000
    verdict = check(msg(text))
    [v] = verdict.violations
    e = v.evidence[0]
    assert text[e.start:e.end] == "х*й"


def test_a_message_within_the_limit_says_nothing_of_it():
    verdict = check(msg("Ты дебил. " * 100))
    assert verdict.truncated is None
    assert "truncated" not in verdict.to_dict()


def test_a_smaller_limit_can_be_asked_for():
    verdict = run(msg("Завтра собрание. Ты дебил."), max_chars=16)
    assert verdict.truncated == {"judged": 16, "length": 26}
    assert verdict.violations == ()


def test_only_the_first_attachments_are_read_and_the_verdict_says_so():
    pictures = tuple({"kind": "image", "caption": "Выпускной 2026"} for _ in range(pipeline.MAX_ATTACHMENTS))
    card = ({"kind": "image", "caption": "С днём рождения!"},)
    verdict = check(msg(attachments=pictures + card))
    assert verdict.truncated == {"attachments_judged": pipeline.MAX_ATTACHMENTS,
                                 "attachments": pipeline.MAX_ATTACHMENTS + 1}
    assert verdict.violations == ()          # the card is the 21st: not looked at
    assert [v.rule for v in check(msg(attachments=card + pictures)).violations] == ["flood.card"]


def test_a_caption_past_the_limit_is_cut_too():
    caption = "С днём рождения! " + "🎉" * 5000
    verdict = check(msg(attachments=({"kind": "image", "caption": caption},)))
    assert verdict.truncated == {"captions_cut": 1}


# ------------------------------------------------------------------ time
def test_a_message_past_its_budget_gets_the_budget_finding():
    verdict = run(msg("какого х*я опять перенесли"), budget=0)
    [v] = verdict.violations
    assert (v.category, v.rule, v.certainty) == (pipeline.BUDGET_CATEGORY, pipeline.BUDGET_RULE, "possible")
    assert v.category in CATEGORIES
    assert "слишком долго проверять" in v.explanation
    assert "profanity" in v.explanation          # what was not checked is named
    assert not v.urgent and v.evidence == ()


def test_quiet_hours_are_still_read_past_the_budget():
    verdict = run(msg("Добрый вечер", at=NIGHT), budget=0)
    assert sorted(v.category for v in verdict.violations) == ["personal_data", "quiet_hours"]
    assert run(msg("Добрый вечер", at=NIGHT), budget=0, content_only=True).violations[0].rule \
        == pipeline.BUDGET_RULE


class _Slow:
    """A detector that takes whatever time it is given (a loop that checks the budget)."""
    name = category = "offtopic"

    def __call__(self, doc):
        while True:
            budget.check()


def test_what_was_found_before_the_budget_ran_out_stands():
    ruleset = default()
    profanity = next(d for d in ruleset.detectors if d.category == "profanity")
    insult = next(d for d in ruleset.detectors if d.category == "insult")
    verdict = pipeline.run(msg("какого х*я, дебил"), (profanity, _Slow(), insult), ruleset.version, budget=0.01)
    assert [v.category for v in verdict.violations] == ["profanity", pipeline.BUDGET_CATEGORY]
    why = verdict.violations[1].explanation
    assert "offtopic, insult" in why and "profanity" not in why.split("not checked:")[1]


def test_outside_a_checked_message_the_budget_asks_nothing():
    budget.check()            # lint, examples and the sweep call the same code: no budget there


def test_an_ordinary_message_is_far_from_its_budget():
    verdict = check(msg("Завтра контрольная по математике, не забудьте линейки"))
    assert verdict.violations == () and verdict.truncated is None


# ------------------------------------------------------------------ never an exception
_CHARS = st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБХУЙxyzpi0123469@$€*%#\"'`….-_ ,!?:;«»„“"
                              "\n\t—–()😀🙏\u200b\u0301") + ["х*й", "ты ", "дебил", "убью", "+7 916 ", "@mail.ru",
                                                             "https://", ".ru/", "ул. Ленина, д. 5", "пароль: "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CHARS, max_size=600).map("".join), st.sampled_from([NOON, NIGHT]))
def test_check_never_raises_on_random_text(text, at):
    verdict = check(msg(text or "?", at=at))
    for v in verdict.violations:
        assert v.category in CATEGORIES
        for e in v.evidence:
            assert 0 <= e.start <= e.end <= len(text or "?")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_check_never_raises_on_any_characters(text):
    check(msg(text or "?"))
