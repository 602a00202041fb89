"""The pages. Every one needs a signed-in moderator, and shows and acts on their chats only: a
request for another chat's item is answered 404 (whether it exists is not told) and logged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import commands, queries
from .models import AuditEntry, Decision, Flag, Moderator, audit

STATIC = Path(__file__).resolve().parent / "static" / "console"
SHOWN = 50          # cards per page: the most urgent and oldest first; the rest after those are handled
LEXICON_README = Path(__file__).resolve().parent.parent / "lexicons" / "README.md"


class Login(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True


def _moderator(request) -> Moderator | None:
    try:
        return request.user.moderator
    except Moderator.DoesNotExist:
        return None


def moderator_required(view):
    """Signed in and with a moderator profile; otherwise a page saying what to do."""
    @login_required
    def wrapped(request, *args, **kwargs):
        mod = _moderator(request)
        if mod is None:
            return render(request, "console/no_profile.html", status=403)
        return view(request, mod, *args, **kwargs)
    wrapped.__name__ = view.__name__
    return wrapped


def _item(request, mod: Moderator, review_id: str) -> Flag:
    item = Flag.objects.filter(kind="review", review_id=review_id).first()
    if item is None:
        raise Http404("Такой записи на проверку нет.")
    if not mod.moderates(item.chat_id):
        audit(request, "forbidden", item.chat_id, review_id, "запрос записи чужого чата", path=request.path)
        raise Http404("Такой записи на проверку нет.")
    return item


def _cards(items: list[Flag]) -> list[dict]:
    waiting = queries.pending([i.review_id for i in items])
    return [{"item": i, "d": i.data, "kind": queries.REVIEW_KINDS.get(i.review, i.review),
             "categories": ", ".join(queries.CATEGORIES.get(c, c) for c in i.data.get("categories", [])),
             "pieces": queries.highlighted(i.data.get("text") or "", i.data.get("evidence") or []),
             "history": queries.history(i.chat_id, i.user_id), "pending": waiting.get(i.review_id)}
            for i in items]


@require_GET
@moderator_required
def queue(request, mod):
    items = queries.open_items(mod.chats)
    return render(request, "console/queue.html", {"cards": _cards(items[:SHOWN]), "total": len(items),
                                                  "mod": mod, "tab": "queue",
                                                  "closed": queries.recently_closed(mod.chats)})


@require_GET
@moderator_required
def item(request, mod, review_id):
    found = _item(request, mod, review_id)
    closed = Flag.objects.filter(kind="review_closed", review_id=review_id).first()
    decisions = Decision.objects.filter(chat_id=found.chat_id, message_id=found.message_id) if found.message_id \
        else []
    return render(request, "console/item.html", {"card": _cards([found])[0], "closed": closed, "mod": mod,
                                                 "decisions": decisions, "tab": "queue"})


@require_POST
@moderator_required
def act(request, mod, review_id, kind):
    found = _item(request, mod, review_id)
    if kind not in commands.KINDS:
        raise Http404("Нет такого действия.")
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = "console:queue"              # never a redirect off the site («//elsewhere»)
    if Flag.objects.filter(kind="review_closed", review_id=review_id).exists():
        messages.info(request, "Эта запись уже закрыта: действие не нужно.")
        return redirect(back)
    waiting = queries.pending([review_id]).get(review_id)
    if waiting and not waiting["refused"]:
        messages.info(request, "Команда по этой записи уже отправлена: дождитесь ответа dozor.")
        return redirect(back)
    reason = request.POST.get("reason", "").strip()[:1000]
    try:
        commands.send(request, kind, found, reason)
    except commands.SendError as err:
        messages.error(request, str(err))
        return redirect(back)
    messages.success(request, f"Отправлено: {commands.KINDS[kind]} ({found.user_id}, {found.chat_id}).")
    return redirect(back)


def _now() -> datetime:
    """The one clock of the participants' pages (the tests set it: a countdown must not depend on
    the hour a test runs at)."""
    return datetime.now(timezone.utc)


@require_POST
@moderator_required
def participant_act(request, mod, chat_id, user_id, kind):
    """A pardon (a counted violation was a false flag), an early-unblock request (after an apology)
    or a block by hand: the workers check the rest (the violation is counted, the apology is theirs
    and after the block, the strikes), and the console checks first what it can see, so that a
    moderator hears a refusal at once and nothing is sent that the rules do not allow."""
    if not mod.moderates(chat_id):
        audit(request, "forbidden", chat_id, user_id, f"{kind} в чужом чате", path=request.path)
        raise Http404("Такого чата среди ваших нет.")
    if kind not in queries.PARTICIPANT_LABELS:
        raise Http404("Нет такого действия.")
    now = _now()
    reason = request.POST.get("reason", "").strip()[:1000]
    if kind == "block":
        fields = _block_fields(request, chat_id, user_id, reason, now)
        if fields is None:
            return redirect("console:participants")
    else:
        message_id = request.POST.get("message_id", "").strip()[:200]
        if not message_id:
            messages.error(request, "Укажите сообщение: " + ("засчитанное нарушение, которое отменяется."
                                                              if kind == "pardon" else
                                                              "извинение участника в чате (его идентификатор)."))
            return redirect("console:participants")
        if kind == "unblock_request" and any(
                f.data.get("clean") is False for f in Flag.objects.filter(
                    chat_id=chat_id, user_id=user_id, kind="said_while_blocked", message_id=message_id)):
            # the worker would refuse it too: a message breaking the rules is no apology
            messages.error(request, f"Сообщение {message_id} само нарушает правила чата: извинением оно быть не может.")
            return redirect("console:participants")
        fields = {"message_id": message_id} if kind == "pardon" else \
            {"apology_message_id": message_id} | ({"apology_confirmed": True} if request.POST.get("apology_confirmed") else {})
    try:
        commands.send_command(request, kind, chat_id, user_id, reason, now, **fields)
    except commands.SendError as err:
        messages.error(request, str(err))
        return redirect("console:participants")
    messages.success(request, f"Отправлено: {queries.PARTICIPANT_LABELS[kind]} ({user_id}, {chat_id}).")
    return redirect("console:participants")


def _block_fields(request, chat_id: str, user_id: str, reason: str, now: datetime) -> dict | None:
    """A moderator's block, checked again here whatever the form said (a forged POST included): more
    than three counted violations in the strike window and at most 30 days (000 §4.5). None, with
    the refusal told and logged, when the rules do not allow it."""
    rule = queries.manual_block(chat_id, user_id, now)
    refusal = rule["refusal"]
    until = queries.blocked_until(chat_id, user_id, now)
    if until:
        refusal = f"Участник {user_id} уже заблокирован до {until[:16].replace('T', ' ')}."
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        days = 0
    if not refusal and not 1 <= days <= rule["max_days"]:
        refusal = (f"Срок блокировки — от 1 до {rule['max_days']} дней (п. 4.5). Более долгая блокировка — "
                   f"только по решению директора.")
    if refusal:
        audit(request, "block_refused", chat_id, user_id, reason, refusal=refusal,
              days=request.POST.get("days", "")[:20], strikes=rule["strikes"])
        messages.error(request, refusal)
        return None
    return {"until": (now + timedelta(days=days)).isoformat()}


@require_GET
@moderator_required
def participants(request, mod):
    return render(request, "console/participants.html", participants_context(mod, _now()))


def participants_context(mod, now: datetime) -> dict:
    """Per chat, per participant: strikes and blocks; for a blocked one what they wrote since and
    the early-unblock requests; for the others whether a block by hand is allowed and why not."""
    chats = []
    for c in mod.chats:
        people = queries.members(c, now)
        for p in people:
            p["early"] = queries.early_unblock(c, p["user_id"], now)
            p["show_early"] = p["blocked"] or bool(p["early"]["requests"])
            p["manual"] = None if p["blocked"] else queries.manual_block(c, p["user_id"], now)
        chats.append({"chat_id": c, "people": people, "sent": queries.participant_commands(c),
                      "proposals": _cards(queries.open_items([c], review="block"))})
    return {"chats": chats, "mod": mod, "tab": "participants"}


@require_GET
@moderator_required
def journal(request, mod):
    from django.db.models import Q

    entries = AuditEntry.objects.filter(Q(chat_id__in=mod.chats) | Q(actor=request.user.username))[:500]
    return render(request, "console/journal.html", {"entries": entries, "mod": mod, "tab": "journal"})


@require_GET
@moderator_required
def lexicons(request, mod):
    return render(request, "console/lexicons.html", {"rows": queries.lexicon_outcomes(mod.chats), "mod": mod,
                                                     "tab": "lexicons", "versions": queries.lexicon_versions(mod.chats),
                                                     "categories": queries.CATEGORIES})


@require_GET
@login_required
def lexicon_readme(request):
    if not LEXICON_README.exists():
        raise Http404("lexicons/README.md нет в этой установке.")
    return HttpResponse(LEXICON_README.read_text(encoding="utf-8"), content_type="text/plain; charset=utf-8")


@require_GET
def stylesheet(request):
    # DEBUG is off, so Django serves no static files: the one stylesheet is served here
    response = FileResponse(open(STATIC / "console.css", "rb"), content_type="text/css")
    response["Cache-Control"] = "max-age=3600"
    return response


def csrf_failure(request, reason=""):
    """In Russian, and saying what to do (Django's own page is in English and for developers)."""
    return render(request, "403_csrf.html", status=403)
