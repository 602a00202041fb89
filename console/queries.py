"""What the pages show, read from the stored records: open review items, a sender's history,
the state of what this console sent."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from .models import Decision, Flag, SentCommand, Violation

REVIEW_KINDS = {"finding": "находка", "block": "предложение блокировки", "removal": "исключение из чата"}
CATEGORIES = {"profanity": "мат", "insult": "оскорбление", "hate": "вражда", "threat": "угроза",
              "offtopic": "не по теме", "flood": "флуд", "quiet_hours": "ночное время",
              "personal_data": "персональные данные"}
ACTIONS = {"delete_message": "удалить сообщение", "remind": "напоминание", "block": "блокировка",
           "unblock": "разблокировка", "remove_member": "исключение", "notice": "сообщение"}
COMMAND_LABELS = {"confirm": "подтверждение", "dismiss": "отклонение (ложное срабатывание)"}
PARTICIPANT_LABELS = {"pardon": "отмена нарушения (ошибка)", "unblock_request": "досрочная разблокировка"}
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


def members(chat_id: str) -> list[dict]:
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
    now = datetime.now(timezone.utc)
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
    out = []
    for s in sent:
        mid = s.data.get("message_id") or s.data.get("apology_message_id") or ""
        done = (s.kind == "pardon" and mid in pardoned) or (s.kind == "unblock_request" and mid in noticed)
        state = ("отказано: " + refused[s.command_id]) if s.command_id in refused else \
            ("выполнено" if done else "отправлено, ждём ответа dozor")
        out.append({"sent": s, "label": PARTICIPANT_LABELS[s.kind], "message_id": mid, "state": state,
                    "waiting": s.command_id not in refused and not done})
    return out
