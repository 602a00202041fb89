"""What the pages show, read from the stored records: open review items, a sender's history,
the state of what this console sent."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from .models import Decision, Flag, SentCommand, Violation

REVIEW_KINDS = {"finding": "находка", "block": "предложение блокировки", "removal": "исключение из чата"}
CATEGORIES = {"profanity": "мат", "insult": "оскорбление", "hate": "вражда", "threat": "угроза",
              "offtopic": "не по теме", "flood": "флуд", "quiet_hours": "ночное время",
              "personal_data": "персональные данные"}
ACTIONS = {"delete_message": "удалить сообщение", "remind": "напоминание", "block": "блокировка",
           "unblock": "разблокировка", "remove_member": "исключение", "notice": "сообщение"}
COMMAND_LABELS = {"confirm": "подтверждение", "dismiss": "отклонение (ложное срабатывание)"}
PARTICIPANT_LABELS = {"pardon": "отмена нарушения (ошибка)", "unblock_request": "досрочная разблокировка",
                      "block": "блокировка модератором"}
OUTCOMES = {"confirmed": "подтверждено", "dismissed": "отклонено", "expired": "истекло",
            "withdrawn": "снято"}


def closed_ids(chats) -> set[str]:
    return set(Flag.objects.filter(kind="review_closed", chat_id__in=chats).values_list("review_id", flat=True))


def open_items(chats, review: str | None = None) -> list[Flag]:
    """Open items of these chats, urgent first, then the oldest."""
    items = Flag.objects.filter(kind="review", chat_id__in=chats).exclude(
        review_id__in=Flag.objects.filter(kind="review_closed").values("review_id"))
    if review:
        items = items.filter(review=review)
    return sorted(items, key=lambda f: (not f.urgent, _when(f.at), f.id))


def pending(review_ids) -> dict[str, dict]:
    """Per review id: the last command sent from here and, when it came back refused, the reason."""
    out = {}
    sent = SentCommand.objects.filter(review_id__in=list(review_ids)).order_by("sent_at", "id")
    refused = {f.data.get("command_id"): f.data.get("reason", "") for f in
               Flag.objects.filter(kind="command_refused", chat_id__in={s.chat_id for s in sent})}
    for s in sent:
        out[s.review_id] = {"sent": s, "kind": s.kind, "label": COMMAND_LABELS.get(s.kind, s.kind),
                            "refused": refused.get(s.command_id)}
    return out


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _names(categories) -> str:
    return ", ".join(CATEGORIES.get(c, c) for c in categories if isinstance(c, str))


def strikes_of(chat_id: str, user_id: str | None = None) -> list[dict]:
    """Counted violations: certain ones (their violation record says counted) and the ones a
    moderator confirmed (their review_closed flag), less the pardoned ones, oldest first."""
    out = [{"user_id": v.user_id, "at": v.sent_at, "message_id": v.message_id, "by": "",
            "categories": _names(x.get("category") for x in v.data.get("violations", []) if isinstance(x, dict))}
           for v in Violation.objects.filter(chat_id=chat_id, counted=True,
                                             **({"user_id": user_id} if user_id else {}))]
    out += [{"user_id": f.user_id, "at": f.data.get("at", ""), "message_id": f.message_id,
             "by": f.data.get("by", ""), "categories": _names(f.data.get("categories", []))}
            for f in Flag.objects.filter(chat_id=chat_id, kind="review_closed", outcome="confirmed", review="finding",
                                         **({"user_id": user_id} if user_id else {}))]
    pardoned = {(f.user_id, f.message_id) for f in Flag.objects.filter(chat_id=chat_id, kind="pardoned")}
    return sorted((s for s in out if (s["user_id"], s["message_id"]) not in pardoned), key=lambda s: _when(s["at"]))


def history(chat_id: str, user_id: str) -> dict:
    """A sender's past in a chat: counted violations with dates, blocks, dismissed findings."""
    strikes = strikes_of(chat_id, user_id)
    blocks = [{"at": d.issued_at, "until": d.until, "action": d.action}
              for d in Decision.objects.filter(chat_id=chat_id, user_id=user_id,
                                               action__in=("block", "unblock")).order_by("issued_at")]
    dismissed = [{"at": f.data.get("at", ""), "message_id": f.message_id, "by": f.data.get("by", "")}
                 for f in Flag.objects.filter(chat_id=chat_id, user_id=user_id, kind="review_closed",
                                              outcome="dismissed").order_by("at")]
    return {"strikes": strikes, "blocks": blocks, "dismissed": dismissed}


def highlighted(text: str, evidence: list) -> list[tuple[str, bool]]:
    """The (masked) text in pieces, evidence marked: by the offsets where they fit, never overlapping."""
    spans = sorted({(e.get("start"), e.get("end")) for e in evidence if isinstance(e, dict)
                    and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
                    and 0 <= e["start"] < e["end"] <= len(text)})
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def members(chat_id: str, now: datetime | None = None) -> list[dict]:
    """Per participant with anything on record: counted violations, the latest strike count dozor
    published (it knows what expired or was pardoned), blocks."""
    people: dict[str, dict] = defaultdict(lambda: {"strikes": [], "count": 0, "blocks": [], "seen": None})

    def count(user_id, at, value):
        p = people[user_id]
        if isinstance(value, int) and (p["seen"] is None or _when(at) >= p["seen"]):
            p["count"], p["seen"] = value, _when(at)

    for s in strikes_of(chat_id):
        people[s["user_id"]]["strikes"].append(s)
    for v in Violation.objects.filter(chat_id=chat_id):
        count(v.user_id, v.sent_at, v.data.get("strikes"))
    # a notify's user_id may be a moderator (the daily digest's): not a participant of the chat
    for d in Decision.objects.filter(chat_id=chat_id).exclude(action="notify"):
        count(d.user_id, d.issued_at, d.data.get("strikes"))
        if d.action in ("block", "unblock"):
            people[d.user_id]["blocks"].append({"action": d.action, "at": d.issued_at, "until": d.until})
    now = now or datetime.now(timezone.utc)
    for p in people.values():
        p["blocks"].sort(key=lambda b: _when(b["at"]))
        last = p["blocks"][-1] if p["blocks"] else None
        p["blocked"] = bool(last) and last["action"] == "block" and _when(last["until"]) > now
    return [{"user_id": u} | p for u, p in sorted(people.items())]


def recently_closed(chats, limit: int = 20) -> list[dict]:
    """The latest closed items of these chats with what came of them (the decisions on the message)."""
    out = []
    for f in Flag.objects.filter(kind="review_closed", chat_id__in=chats).order_by("-id")[:limit]:
        decisions = list(Decision.objects.filter(chat_id=f.chat_id, message_id=f.message_id)) if f.message_id else []
        out.append({"flag": f, "outcome": OUTCOMES.get(f.outcome, f.outcome), "decisions": [
            {"action": ACTIONS.get(d.action, d.action), "text": d.data.get("reason") or d.data.get("text", "")}
            for d in decisions]})
    return out


def lexicon_versions(chats, last: int = 200) -> list[dict]:
    """The lexicon versions that judged the latest violations in these chats, newest first: the first
    is the version in force as the workers last reported it (each violation names its version), and
    a second one seen means the workers changed version (or disagree, mid-rollout)."""
    seen: dict[str, dict] = {}
    for v in Violation.objects.filter(chat_id__in=chats).order_by("-id")[:last]:
        version = v.data.get("lexicon_version") if isinstance(v.data, dict) else None
        if isinstance(version, str) and version:
            row = seen.setdefault(version, {"version": version, "violations": 0, "last": v.sent_at})
            row["violations"] += 1
    return list(seen.values())


def lexicon_outcomes(chats) -> list[dict]:
    """Lexicon entries and rules by what moderators made of their findings, most dismissed first."""
    rows: dict[tuple, dict] = {}
    for f in Flag.objects.filter(kind="review_closed", chat_id__in=chats):
        for e in f.data.get("entries") or []:
            if not isinstance(e, dict):
                continue
            key = (e.get("category", ""), e.get("entry", ""), e.get("rule", ""))
            row = rows.setdefault(key, {"category": key[0], "entry": key[1], "rule": key[2],
                                        "source": e.get("source", ""), "confirmed": 0, "dismissed": 0,
                                        "expired": 0})
            if f.outcome in ("confirmed", "dismissed", "expired"):
                row[f.outcome] += 1
    return sorted(rows.values(), key=lambda r: (-r["dismissed"], -r["confirmed"], r["entry"]))


def participant_commands(chat_id: str) -> list[dict]:
    """Pardons and early-unblock requests sent from here for a chat, newest first, with dozor's
    answer: the pardon flag or the notice to the chat, a refusal with its reason, or still waiting."""
    sent = list(SentCommand.objects.filter(chat_id=chat_id, kind__in=PARTICIPANT_LABELS).order_by("-sent_at", "-id"))
    refused = {f.data.get("command_id"): f.data.get("reason", "")
               for f in Flag.objects.filter(chat_id=chat_id, kind="command_refused")}
    pardoned = set(Flag.objects.filter(chat_id=chat_id, kind="pardoned").values_list("message_id", flat=True))
    noticed = {d.message_id for d in Decision.objects.filter(chat_id=chat_id, action="notice")}
    blocked = [(d.user_id, _when(d.issued_at)) for d in Decision.objects.filter(chat_id=chat_id, action="block")]
    out = []
    for s in sent:
        mid = s.data.get("message_id") or s.data.get("apology_message_id") or ""
        done = (s.kind == "pardon" and mid in pardoned) or (s.kind == "unblock_request" and mid in noticed) or (
            s.kind == "block" and any(u == s.user_id and at >= _when(s.data.get("at", "")) for u, at in blocked))
        if s.kind == "block":
            mid = "до " + (s.data.get("until") or "")[:16].replace("T", " ")
        state = ("отказано: " + refused[s.command_id]) if s.command_id in refused else \
            ("выполнено" if done else "отправлено, ждём ответа dozor")
        out.append({"sent": s, "label": PARTICIPANT_LABELS[s.kind], "message_id": mid, "state": state,
                    "waiting": s.command_id not in refused and not done})
    return out


# ------------------------------------------------------------------ early unblock, manual block
def limits() -> dict:
    """The worker's own limits (streams/policy/policies.toml), read rather than copied, so that the
    console never offers a block the workers would refuse, nor refuses one they would take."""
    import tomllib
    from pathlib import Path

    import streams.policy

    path = Path(streams.policy.__file__).resolve().parent / "policies.toml"
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8")).get("limits", {})
    except (OSError, tomllib.TOMLDecodeError):
        found = {}
    return {"block_after": int(found.get("block_after", 4)), "max_block_days": int(found.get("max_block_days", 30)),
            "strike_window_days": int(float(found.get("strike_window_days", 70)))}


def plural(n: int, one: str, few: str, many: str) -> str:
    n100, n10 = abs(n) % 100, abs(n) % 10
    word = many if 11 <= n100 <= 14 else one if n10 == 1 else few if 2 <= n10 <= 4 else many
    return f"{n} {word}"


def last_block(chat_id: str, user_id: str) -> Decision | None:
    blocks = sorted(Decision.objects.filter(chat_id=chat_id, user_id=user_id, action="block"),
                    key=lambda d: (_when(d.issued_at), d.id))
    return blocks[-1] if blocks else None


def blocked_until(chat_id: str, user_id: str, now: datetime) -> str:
    """The end of the block in force (the last block, not lifted, not over), or ""."""
    steps = sorted(Decision.objects.filter(chat_id=chat_id, user_id=user_id, action__in=("block", "unblock")),
                   key=lambda d: (_when(d.issued_at), d.id))
    last = steps[-1] if steps else None
    return last.until if last and last.action == "block" and _when(last.until) > now else ""


def manual_block(chat_id: str, user_id: str, now: datetime) -> dict:
    """Whether a moderator may block by hand (000 §4.5): more than three counted violations in the
    strike window, the ones a past block already rested on not counted again (the worker clears
    them at every block, so citing them again would only come back refused)."""
    lim = limits()
    since = now - timedelta(days=lim["strike_window_days"])
    previous = last_block(chat_id, user_id)
    if previous is not None and _when(previous.issued_at) > since:
        since = _when(previous.issued_at)
    strikes = [s for s in strikes_of(chat_id, user_id) if since < _when(s["at"]) <= now]
    n = len(strikes)
    refusal = "" if n >= lim["block_after"] else (
        f"Блокировка невозможна: засчитано {plural(n, 'нарушение', 'нарушения', 'нарушений')} за "
        f"{lim['strike_window_days']} дней, правила позволяют блокировать после более чем трёх (п. 4.5). "
        f"Более долгая блокировка или по другим основаниям — только по решению директора.")
    if refusal and since != now - timedelta(days=lim["strike_window_days"]):
        refusal += f" Нарушения до блокировки {since:%d.%m.%Y} уже учтены в ней."
    return {"strikes": n, "allowed": not refusal, "refusal": refusal, "max_days": lim["max_block_days"],
            "default_days": min(7, lim["max_block_days"])}


def left(until: datetime, now: datetime) -> str:
    """«5 ч 12 мин»: whole minutes left, rounded down (never «осталось 0 мин» while time is left);
    hours, not days, as the window is a day (objection_window_hours)."""
    minutes = max(int((until - now).total_seconds() // 60), 0)
    hours, mins = divmod(minutes, 60)
    return (f"{hours} ч {mins} мин" if hours else f"{mins} мин") if minutes else "меньше минуты"


def objection_window(until_text: str, now: datetime, zone=None) -> str:
    """The countdown, on the chat's clock (the zone its messages are stamped in, as the notice to
    the chat was dated): computed here at render, so the page needs no script."""
    until = _when(until_text)
    shown = until.astimezone(zone) if zone is not None else until
    if until > now:
        return f"возражения принимаются до {shown:%d.%m %H:%M}, осталось {left(until, now)}"
    return f"приём возражений закончился {shown:%d.%m %H:%M}, ждём решения dozor"


def _zone(stamps) -> object:
    """The chat's clock: the offset its messages were stamped with, else the console's zone."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    for at in reversed(stamps):
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            continue
        if moment.tzinfo is not None:
            return moment.tzinfo
    return ZoneInfo(settings.TIME_ZONE)


def early_unblock(chat_id: str, user_id: str, now: datetime) -> dict:
    """For the participant's latest block: what they wrote since (the said_while_blocked flags, to be
    cited as the apology), and each early-unblock request with its notice to the chat, the objection
    window, the objections so far and the outcome."""
    block = last_block(chat_id, user_id)
    if block is None:
        return {"said": [], "requests": [], "open": False}
    began = _when(block.issued_at)
    said = sorted(({"message_id": f.message_id, "at": f.at, "text": f.data.get("text", ""),
                    "clean": f.data.get("clean") is not False, "apology": f.data.get("apology") is True}
                   for f in Flag.objects.filter(chat_id=chat_id, user_id=user_id, kind="said_while_blocked")
                   if f.data.get("block_decision_id") == block.decision_id),
                  key=lambda s: _when(s["at"]))
    zone = _zone([s["at"] for s in said])
    later = sorted((d for d in Decision.objects.filter(chat_id=chat_id, user_id=user_id,
                                                       action__in=("notice", "unblock"))
                    if _when(d.issued_at) >= began), key=lambda d: (_when(d.issued_at), d.id))
    objections = list(Flag.objects.filter(chat_id=chat_id, user_id=user_id, kind="objection"))
    requests = []
    for i, d in enumerate(later):
        ground = next((g for g in d.data.get("grounds") or [] if isinstance(g, dict)
                       and g.get("apology_message_id")), None)
        if d.action != "notice" or ground is None:
            continue
        closes = ground.get("objections_until") or ""
        mine = sorted((o for o in objections if o.data.get("closes_at") == closes and closes),
                      key=lambda o: _when(o.at))
        # the outcome: the first unblock, or notice that is not another request's, after this one
        outcome = next((o for o in later[i + 1:] if o.action == "unblock" or not any(
            isinstance(g, dict) and g.get("apology_message_id") for g in o.data.get("grounds") or [])), None)
        if outcome is None:
            result = ""
        elif outcome.action == "unblock":
            result = "разблокирован досрочно: извинился, возражений не было" \
                if "apologised" in outcome.data.get("reason", "") else \
                "разблокирован: " + (outcome.data.get("reason") or "блокировка закончилась")
        else:
            who = ", ".join(o.data.get("by", "") for o in mine)
            result = "блокировка остаётся: есть возражения" + (f" ({who})" if who else "") + \
                (f". В чат: «{outcome.data['text']}»" if outcome.data.get("text") else "")
        requests.append({"notice": d, "text": d.data.get("text", ""), "apology_message_id": ground["apology_message_id"],
                         "closes": closes, "window": objection_window(closes, now, zone) if closes else "",
                         "objections": [o.data.get("by", "") for o in mine],
                         "count": max([o.data.get("objections", 0) for o in mine
                                       if isinstance(o.data.get("objections"), int)] + [len(mine)]),
                         "outcome": outcome, "result": result, "unblocked": bool(outcome) and outcome.action == "unblock"})
    return {"said": said, "requests": requests, "block": block,
            "open": any(r["outcome"] is None for r in requests)}
