"""The moderation policy: one engine for `dozor replay` and for the stream workers.

`Engine` holds no state of its own: it reads and writes the mappings it is given,
plain dicts in replay and Faust tables in a worker, keyed exactly the same way:

    participants["chat|user"] -> Participant dict   (strikes, reviews, block, request, timers, role)
    due["partition|minute|n"] -> "chat|user"  whose timer falls due in that minute (schedule.py)
    due["partition|minute"]   -> how many such slots the minute has
    due["partition|cursor"]   -> the last minute a tick has finished
    members[user]             -> {"chats": {chat: {"via", "role", "pupils"}}, "parents": [...]}

State stays bounded: strikes expire on a timer, a participant with nothing pending who left or
has been silent for `forget_days` is forgotten, a timer is one small entry (not one value per
partition re-serialised at every change), a roster record with no chat left is dropped.

Flood windows are soft state (an in-memory dict per worker): after a restart they
refill from new traffic; they can miss a flood in progress, never double a decision.

Each event returns its Effects with the state writes it implies in `fx.writes`.
Replay commits them at once; a worker (defer=True) commits them only after the
broker has acknowledged every record the event produced, so a crash in between
replays the event instead of losing its decisions (and the stable ids make the
replay harmless). Until then, later events of the same batch read the pending
writes, so a batch decides exactly as one-by-one processing would.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime

from filters import Message, check, registry

from . import authority, commands, flood, membership, messages, roster, schedule, timers
from .config import Policy, default as default_policy
from .records import Effects, Participant, parse_time

__all__ = ["Engine", "Effects", "Policy", "commit"]


def participant_key(chat_id: str, user_id: str) -> str:
    return f"{chat_id}|{user_id}"


class Engine:
    def __init__(self, policy: Policy | None = None, participants: MutableMapping | None = None,
                 due: MutableMapping | None = None, members: MutableMapping | None = None,
                 windows: MutableMapping | None = None, detect=check, defer: bool = False):
        self.policy = policy or default_policy()
        self.participants = participants if participants is not None else {}
        self.due = due if due is not None else {}
        self.members = members if members is not None else {}
        self.windows = windows if windows is not None else {}
        self.detect = detect
        self.defer = defer
        self._pending: dict[tuple[int, str], object] = {}

    # ---------------------------------------------------------------- events
    def message(self, msg: Message, partition: str = "0") -> Effects:
        key = participant_key(msg.chat_id, msg.sender_id)
        before = self._get(self.participants, key)
        window = self.windows.get(msg.chat_id)
        # a moderator of the chat (joined as teacher or admin, or named in the registry) posts albums
        # and worksheets, and asks the questions a roll call answers
        staff = authority.moderator(msg.chat_id, before, msg.sender_id) is not None
        window, extra, answering = flood.on_message(window, msg, self.policy, staff)
        self.windows.pop(msg.chat_id, None)
        self.windows[msg.chat_id] = window          # the most recent last: the quietest chat goes first
        if len(self.windows) > flood.MAX_CHATS:
            del self.windows[next(iter(self.windows))]
        p = Participant.from_dict(before) if before is not None else None
        p, fx = messages.on_message(p, msg, self.detect(msg), self.policy, extra, answering)
        if before is None or fx.decisions or fx.violations or fx.flags or fx.touched:
            self._save(fx, key, p, partition, msg.sent_at, before)
        return self._done(fx)

    def command(self, cmd: dict, partition: str = "0") -> Effects:
        key = participant_key(cmd["chat_id"], cmd["user_id"])
        before = self._get(self.participants, key)
        who = self._get(self.participants, participant_key(cmd["chat_id"], cmd["by"]))
        kind = (before or {}).get("chat_kind") or registry.settings(cmd["chat_id"]).kind
        p, fx = commands.on_command(Participant.from_dict(before) if before else None, cmd, self.policy, who, kind)
        self._save(fx, key, p, partition, parse_time(cmd["at"]), before)
        return self._done(fx)

    def membership(self, event: dict, partition: str = "0") -> Effects:
        key = participant_key(event["chat_id"], event["user_id"])
        before = self._get(self.participants, key)
        p, fx = membership.on_membership(Participant.from_dict(before) if before else None, event, self.policy)
        self._save(fx, key, p, partition, parse_time(event["at"]), before)
        return self._done(fx)

    def roster(self, event: dict) -> Effects:
        """Follow-ups for other users and for the chats are in the effects' `forward`."""
        member, fx = roster.on_roster(self._get(self.members, event["user_id"]), event)
        # a user in no chat and linked to no parent has nothing left to remember
        fx.write(self.members, event["user_id"], member if member["chats"] or member["parents"] else None)
        return self._done(fx)

    def tick(self, now: datetime, partition: str = "0") -> Effects:
        """Fire the timers due by `now` in one partition: the minutes since the last tick."""
        fx = Effects()
        cursor = self._now_in(fx, self.due, schedule.cursor(partition))
        if cursor is None:
            fx.write(self.due, schedule.cursor(partition), schedule.minute(now) - 1)
            return self._done(fx)
        target = schedule.minute(now)
        for m in range(cursor + 1, target + 1):
            size = self._now_in(fx, self.due, schedule.count(partition, m))
            if not size:
                continue
            if isinstance(size, list):           # a minute as the previous version wrote it
                slots, entries = [], size
            else:
                slots = [schedule.slot(partition, m, n) for n in range(size)]
                entries = [self._now_in(fx, self.due, s) for s in slots]
            # the minute is emptied first; whoever is still due in it (later this minute) gets a
            # new slot in it from _save, so the next tick looks again
            for slot in slots:
                fx.write(self.due, slot, None)
            fx.write(self.due, schedule.count(partition, m), None)
            for key in dict.fromkeys(e for e in entries if e):
                data = self._now_in(fx, self.participants, key)
                if data is None:
                    continue
                p = Participant.from_dict(data)
                fx.extend(timers.on_tick(p, now, self.policy))
                self._save(fx, key, p, partition, now, data, looked_at=m)
        if target - 1 > cursor:
            fx.write(self.due, schedule.cursor(partition), target - 1)
        return self._done(fx)

    # ----------------------------------------------------------------- state
    def _save(self, fx: Effects, key: str, p: Participant, partition: str, at: datetime,
              before: dict | None, looked_at: int | None = None) -> None:
        """Write `p` (or forget it: nothing pending and gone, or silent too long) and give its next
        timer a slot in its minute, if that changed or is the minute a tick has just emptied
        (`looked_at`)."""
        timers.keep_or_forget(p, at, self.policy)
        gone = timers.forgettable(p, at, self.policy)
        fx.write(self.participants, key, None if gone else p.to_dict())
        nxt = None if gone else timers.next_due(p)
        if nxt is None:
            return
        # the stored record's first timer is its next (kept sorted): no working copy of it just to read that
        if looked_at != schedule.minute(nxt) and (before is not None and before.get("timers") and
                                                  parse_time(before["timers"][0][0]) == nxt):
            return
        cursor = self._now_in(fx, self.due, schedule.cursor(partition))
        if cursor is None:
            cursor = schedule.minute(at) - 1
            fx.write(self.due, schedule.cursor(partition), cursor)
        m = max(schedule.minute(nxt), cursor + 1)
        size = self._now_in(fx, self.due, schedule.count(partition, m)) or 0
        if isinstance(size, list):               # a minute as the previous version wrote it
            if key not in size:
                fx.write(self.due, schedule.count(partition, m), size + [key])
            return
        fx.write(self.due, schedule.slot(partition, m, size), key)
        fx.write(self.due, schedule.count(partition, m), size + 1)

    def _now_in(self, fx: Effects, mapping: MutableMapping, key: str):
        """The value as this event sees it: its own writes so far, then the batch's, then the table."""
        hit = fx.latest.get((id(mapping), key), _MISSING)
        return self._get(mapping, key) if hit is _MISSING else hit

    def _get(self, mapping: MutableMapping, key: str):
        if self._pending:
            hit = self._pending.get((id(mapping), key), _MISSING)
            if hit is not _MISSING:
                return hit
        return mapping.get(key)

    def _done(self, fx: Effects) -> Effects:
        if self.defer:
            for mapping, key, value in fx.writes:
                self._pending[(id(mapping), key)] = value
        else:
            commit(fx)
        return fx

    def settle(self) -> None:
        """Forget pending writes: every effect of the batch has been committed, or the batch was cut
        short and will be delivered again (an agent calls this before each batch too: Faust restarts
        a crashed or rebalanced agent with the same engine, and a batch's uncommitted writes must not
        make its redelivered events look handled)."""
        self._pending.clear()


_MISSING = object()


def commit(fx: Effects) -> None:
    """Apply the state writes of `fx`, in order (a worker calls this after the acks); None deletes
    (a table's tombstone: compaction drops the key on real Kafka)."""
    for mapping, key, value in fx.writes:
        if value is None:
            if key in mapping:
                del mapping[key]
        else:
            mapping[key] = value
    fx.writes.clear()
    fx.latest.clear()
