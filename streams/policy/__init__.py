"""The moderation policy: one engine for `dozor replay` and for the stream workers.

`Engine` holds no state of its own: it reads and writes the mappings it is given,
plain dicts in replay and Faust tables in a worker, keyed exactly the same way:

    participants["chat|user"] -> Participant dict   (strikes, reviews, block, request, timers, role)
    due[partition]            -> {"chat|user": earliest timer}   (what a tick must look at)
    members[user]             -> {"chats": {chat: {"via", "role", "pupils"}}, "parents": [...]}

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

from . import authority, commands, flood, membership, messages, roster, timers
from .config import Policy, default as default_policy
from .records import Effects, Participant, iso

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
        self.windows[msg.chat_id] = window
        p = Participant.from_dict(before) if before is not None else None
        p, fx = messages.on_message(p, msg, self.detect(msg), self.policy, extra, answering)
        if before is None or fx.decisions or fx.violations or fx.flags or fx.touched:
            self._save(fx, key, p, partition)
        return self._done(fx)

    def command(self, cmd: dict, partition: str = "0") -> Effects:
        key = participant_key(cmd["chat_id"], cmd["user_id"])
        before = self._get(self.participants, key)
        who = self._get(self.participants, participant_key(cmd["chat_id"], cmd["by"]))
        kind = (before or {}).get("chat_kind") or registry.settings(cmd["chat_id"]).kind
        p, fx = commands.on_command(Participant.from_dict(before) if before else None, cmd, self.policy, who, kind)
        self._save(fx, key, p, partition)
        return self._done(fx)

    def membership(self, event: dict, partition: str = "0") -> Effects:
        key = participant_key(event["chat_id"], event["user_id"])
        before = self._get(self.participants, key)
        p, fx = membership.on_membership(Participant.from_dict(before) if before else None, event, self.policy)
        self._save(fx, key, p, partition)
        return self._done(fx)

    def roster(self, event: dict) -> Effects:
        """Follow-ups for other users and for the chats are in the effects' `forward`."""
        member, fx = roster.on_roster(self._get(self.members, event["user_id"]), event)
        fx.writes.append((self.members, event["user_id"], member))
        return self._done(fx)

    def tick(self, now: datetime, partition: str = "0") -> Effects:
        """Fire the timers due by `now` in one partition."""
        fx = Effects()
        for key, due in sorted((self._get(self.due, partition) or {}).items(), key=lambda kv: kv[1]):
            if datetime.fromisoformat(due) > now:
                continue
            data = self._get(self.participants, key)
            if data is None:
                continue
            p = Participant.from_dict(data)
            fx.extend(timers.on_tick(p, now))
            self._save(fx, key, p, partition)
        return self._done(fx)

    # ----------------------------------------------------------------- state
    def _save(self, fx: Effects, key: str, p: Participant, partition: str) -> None:
        fx.writes.append((self.participants, key, p.to_dict()))
        written = [v for m, k, v in fx.writes if m is self.due and k == partition]
        pending = dict(written[-1] if written else self._get(self.due, partition) or {})
        nxt = timers.next_due(p)
        if nxt is not None:
            pending[key] = iso(nxt)
        elif key in pending:
            del pending[key]
        else:
            return
        fx.writes.append((self.due, partition, pending))

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
    """Apply the state writes of `fx`, in order (a worker calls this after the acks)."""
    for mapping, key, value in fx.writes:
        mapping[key] = value
    fx.writes.clear()
