#!/usr/bin/env python3
"""How big dozor's state gets: a school's year in-process, and 100k messages through a real worker.

    .venv/bin/python benchmarks/state.py --year              # a year of a 100-chat, 3,000-person school
    .venv/bin/python benchmarks/state.py --worker            # 100,000 messages, 20,000 senders, one worker
    .venv/bin/python benchmarks/state.py --year --worker --write   # both, and rewrite the README tables

--year: the policy engine (streams.policy.Engine, plain dicts as tables) through `streams.replay`
(so every timer fires: strikes expire, review items close, blocks end, the silent are forgotten)
over a simulated school year, 2026-09-01 to 2027-08-31, every day of it (nothing sampled): 100
chats (50 parents', 30 students', 14 subject, 6 staff), 3,000 people joined through the roster
(120 staff, 900 pupils in chats, ~2,000 parents in one or two chats) plus a few writers the
roster does not list, 20–40 messages a chat on a school day (subject chats fewer), fewer on
weekends, in the holidays and in the summer; 2–5% of the messages are real toxic comments from
../shared/datasets (read in place), the rest real comments dozor finds nothing in; roll calls,
holiday greetings (flood cascades), messages at night (quiet hours), a few phone numbers;
moderators confirm or dismiss most review items, some expire; blocked parents sometimes
apologise and are unblocked early; pupils change school, grade 11 leaves in June, four new
grade-1 chats join in late August. At every month end: keys and JSON bytes of each table (as
the changelog holds them: Faust's JSON, ASCII escapes), the largest single value, what the
tables wrote to their changelogs so far, and the flood windows (soft state, in memory).

--worker: 100,000 messages from 20,000 senders (1,000 chats of 20; each sender writes five
times; real comments, 4% of them toxic) through one `dozor worker` pinned to one core, on the
embedded broker: the worker's RSS before, after and at its peak, the keys and bytes on each
table's changelog topic (every record, as Tansu keeps them, and what compaction would keep),
and the restart time (stop the worker, start a new one with the same app id, time until it
answers a probe message), once after SIGTERM and once after SIGKILL, against a worker with
empty tables.

Not a test: it reports, it asserts nothing.
"""
from __future__ import annotations

import argparse
import gc
import heapq
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MARK_START, MARK_END = "<!-- bench:state:start -->", "<!-- bench:state:end -->"
SUB = {"year": ("<!-- state:year:start -->", "<!-- state:year:end -->"),
       "worker": ("<!-- state:worker:start -->", "<!-- state:worker:end -->")}
MSK = timezone(timedelta(hours=3))
PARTITIONS = 4


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load() -> str:
    return os.popen("uptime").read().strip().split("load average:")[-1].strip()


def changelog_json(value) -> bytes:
    """A table value as Faust writes it to the changelog (its JSON codec: compact, ASCII escapes)."""
    return json.dumps(value, separators=(",", ":")).encode()


# ------------------------------------------------------------------ lines
def pools(shared: Path, cap: int = 600) -> tuple[list[str], list[str]]:
    """(clean, toxic): real comments from the datasets, read in place. Clean: labelled clean and
    dozor finds nothing in them (so the violation share is what we choose); toxic: labelled
    toxic and dozor finds swearing, an insult, a threat or hate in them."""
    from filters import check
    from filters.model import Message

    noon = datetime(2026, 11, 18, 12, 0, tzinfo=MSK)
    clean, toxic, seen = [], [], set()
    for name in ("ru_okcup_sample2000.jsonl", "ru_vk_distorted_toxicity.jsonl", "ru_2ch_pikabu_sample2000.jsonl"):
        with open(shared / "datasets" / name, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                text = " ".join(row["text"].split())[:cap]
                if not text or text in seen:
                    continue
                seen.add(text)
                verdict = check(Message("pool", "pool-chat", "pool-user", noon, text, sender_role="parent"))
                cats = {v.category for v in verdict.violations}
                if not row["labels"] and not cats:
                    clean.append(text)
                elif row["labels"] and cats & {"profanity", "insult", "threat", "hate"}:
                    toxic.append(text)
    return clean, toxic


# ------------------------------------------------------------------ the school
SCHOOL_START, SCHOOL_END = date(2026, 9, 1), date(2027, 8, 31)
BREAKS = [(date(2026, 10, 26), date(2026, 11, 4)), (date(2026, 12, 31), date(2027, 1, 11)),
          (date(2027, 2, 23), date(2027, 2, 23)), (date(2027, 3, 8), date(2027, 3, 8)),
          (date(2027, 3, 22), date(2027, 3, 31)), (date(2027, 5, 1), date(2027, 5, 3)),
          (date(2027, 5, 9), date(2027, 5, 11))]
SUMMER = (date(2027, 5, 27), date(2027, 8, 31))
GREETINGS = {date(2026, 9, 1): "С Днём знаний!", date(2026, 10, 5): "С Днём учителя!",
             date(2026, 12, 30): "С Новым годом!", date(2027, 2, 20): "С 23 февраля!",
             date(2027, 3, 5): "С 8 марта!", date(2027, 5, 8): "С Днём Победы!",
             date(2027, 5, 25): "С последним звонком!"}
GRADUATION = date(2027, 6, 26)
NEW_FIRST_GRADE = date(2027, 8, 25)
HOURS = {   # weight per local hour 0..23: when each kind of chat writes (a few at night: quiet hours)
    "parents": [0.3, 0, 0, 0, 0, 0.2, 1, 12, 20, 14, 8, 8, 10, 14, 16, 12, 10, 12, 16, 20, 18, 3, 1, 0.5],
    "students": [0.5, 0.2, 0, 0, 0, 0, 0.5, 6, 8, 4, 3, 4, 6, 10, 16, 18, 16, 14, 14, 16, 16, 5, 3, 1],
    "subject": [0, 0, 0, 0, 0, 0, 0, 3, 6, 8, 8, 8, 8, 10, 12, 12, 10, 8, 6, 4, 3, 1, 0, 0],
    "staff": [0, 0, 0, 0, 0, 0, 1, 8, 14, 12, 10, 10, 10, 12, 12, 10, 8, 6, 3, 2, 1, 0, 0, 0],
}
TOXIC_SHARE = {"parents": 0.02, "students": 0.04, "subject": 0.015, "staff": 0.003}
TROUBLEMAKERS = 0.3              # the share of a chat's toxic lines its one or three troublemakers write
APOLOGY = "Извините, пожалуйста, я погорячилась. Больше не повторится."
ROLL_CALL = ["Кто пойдёт на экскурсию в пятницу? Поставьте +, пожалуйста",
             "Кто сможет прийти на собрание в четверг? Отпишитесь",
             "Кто сдал деньги на питание? Поставьте +", "Кто поедет в театр? Напишите, пожалуйста"]
ANSWERS = ["+", "+", "+", "Идём", "Придём", "Да", "+ придём вдвоём", "Сдала", "👍"]


def day_factor(day: date, kind: str) -> float:
    if SUMMER[0] <= day <= SUMMER[1]:
        if day >= NEW_FIRST_GRADE:
            return 0.5 if kind in ("parents", "staff") else 0.15
        return 0.1 if kind == "students" else 0.06
    if any(a <= day <= b for a, b in BREAKS):
        return 0.25
    return {5: 0.3, 6: 0.2}.get(day.weekday(), 1.0)


class Chat:
    def __init__(self, cid: str, kind: str, rate: float, moderator: str, grade: int | None = None):
        self.id, self.kind, self.rate, self.moderator, self.grade = cid, kind, rate, moderator, grade
        self.members: dict[str, float] = {}        # user → how much they write
        self.roles: dict[str, str] = {}
        self.troublemakers: list[str] = []
        self.guests: list[str] = []                # writers the roster does not list
        self.open = True


class School:
    """100 chats and 3,000 people joined through the roster, and what happens to them in a year."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.chats: dict[str, Chat] = {}
        self.pupils: dict[str, str] = {}           # pupil → class
        self.parents_of: dict[str, list[str]] = defaultdict(list)
        self.joins: list[dict] = []                # the roster events of 1 September
        self.n_event = 0
        r = rng
        classes = [(g, l) for g in range(1, 12) for l in ("абвгд" if g <= 6 else "абвг")]     # 50
        teachers = [f"t-{i:03}" for i in range(100)]
        admins = [f"a-{i:02}" for i in range(20)]
        for i, (g, l) in enumerate(classes):
            cls = f"{g}{l}"
            teacher = teachers[i]
            pc = self.add(Chat(f"sch-{cls}-parents", "parents", r.uniform(20, 40), teacher, g))
            self.member(pc, teacher, "teacher", 6.0)
            if g >= 5:
                sc = self.add(Chat(f"sch-{cls}-students", "students", r.uniform(20, 40), teacher, g))
                self.member(sc, teacher, "teacher", 4.0)
            for k in range(30):
                self.pupils[f"s-{i:02}{k:02}"] = cls
        for a in admins[:3]:                       # deputy heads sit in fifteen parents' chats each
            for c in r.sample([c for c in self.chats.values() if c.kind == "parents"], 15):
                self.member(c, a, "admin", 0.5)
        # families: 1,500 pupils in ~1,300 families; one or two parents of each in every child's chat
        pupils = list(self.pupils)
        r.shuffle(pupils)
        families, k = [], 0
        while k < len(pupils):
            size = 2 if r.random() < 0.15 else 1
            families.append(pupils[k:k + size])
            k += size
        n_parent = 0
        for kids in families:
            for _ in range(1 if r.random() < 0.45 else 2):
                parent = f"p-{n_parent:04}"
                n_parent += 1
                weight = r.paretovariate(1.5)
                for kid in kids:
                    self.parents_of[kid].append(parent)
                    chat = self.chats[f"sch-{self.pupils[kid]}-parents"]
                    self.member(chat, parent, "parent", weight, pupils=[kid])
        for kid, cls in self.pupils.items():       # pupils of grades 5–11 are in their class's chat
            chat = self.chats.get(f"sch-{cls}-students")
            if chat:
                self.member(chat, kid, "student", r.paretovariate(1.3))
        older = [p for p, cls in self.pupils.items() if int(cls[:-1]) >= 5]
        for i, name in enumerate(["math", "physics", "robotics", "chess", "choir", "drama", "biology", "history",
                                  "english", "olymp-math", "olymp-rus", "it", "art", "sport"]):
            chat = self.add(Chat(f"sch-club-{name}", "subject", r.uniform(6, 14), teachers[50 + i]))
            self.member(chat, teachers[50 + i], "teacher", 5.0)
            self.member(chat, teachers[64 + i], "teacher", 2.0)
            for kid in r.sample(older, r.randint(15, 30)):
                self.member(chat, kid, "student", r.paretovariate(1.5))
        staff_chats = {"all": teachers + admins, "primary": teachers[:20] + admins[:2],
                       "classteachers": teachers[:50] + admins[:3], "admin": admins,
                       "math": teachers[30:45] + admins[:1], "duty": r.sample(teachers, 30) + admins[3:6]}
        for name, people in staff_chats.items():
            chat = self.add(Chat(f"sch-staff-{name}", "staff", r.uniform(10, 20), admins[0]))
            for person in dict.fromkeys([admins[0]] + people):
                self.member(chat, person, "admin" if person.startswith("a-") else "teacher", r.uniform(0.5, 3))
        for chat in self.chats.values():
            ordinary = [u for u, role in chat.roles.items() if role in ("parent", "student")]
            if ordinary:
                chat.troublemakers = r.sample(ordinary, 3 if chat.kind == "students" else 1)
            if chat.kind == "parents":
                chat.guests = [f"g-{chat.id}-{i}" for i in range(2)]    # a grandmother, an aunt
        self.people = {u for c in self.chats.values() for u in c.members}

    def add(self, chat: Chat) -> Chat:
        self.chats[chat.id] = chat
        return chat

    def member(self, chat: Chat, user: str, role: str, weight: float, pupils=None, at=None) -> None:
        if user in chat.members:
            if pupils:
                for j in self.joins:
                    if j["user_id"] == user and j["chat_id"] == chat.id:
                        j["pupils"] = list(dict.fromkeys(j.get("pupils", []) + pupils))
            return
        chat.members[user], chat.roles[user] = weight, role
        event = {"event_id": self.eid(), "kind": "join", "user_id": user, "chat_id": chat.id, "role": role,
                 "at": (at or datetime(2026, 8, 31, 20, 0, tzinfo=MSK)).isoformat()}
        if pupils:
            event["pupils"] = list(pupils)
        self.joins.append(event)

    def eid(self) -> str:
        self.n_event += 1
        return f"r-{self.n_event}"


class Year:
    """Generates a day's events, feeds them through replay, answers what the moderators answer."""

    def __init__(self, school: School, clean: list[str], toxic: list[str], rng: random.Random, roster: bool = True):
        from streams.policy import Engine

        self.roster = roster
        self.s, self.clean, self.toxic, self.rng = school, clean, toxic, rng
        self.tables = {name: Counting() for name in ("participants", "due", "members")}
        self.engine = Engine(participants=self.tables["participants"], due=self.tables["due"],
                             members=self.tables["members"])
        self.queue: list[tuple[str, int, dict]] = []     # (time, seq, event): what is still to come
        self.seq = 0
        self.n_msg = 0
        self.counts = Counter()
        self.blocked: dict[tuple[str, str], datetime] = {}    # (chat, user) → until: they cannot write
        self.categories = Counter()                                # violation records by category

    def push(self, at: datetime, event: dict) -> None:
        if not self.roster and ("event_id" in event or "command_id" in event):
            return                   # --no-roster: the gateway sends no roster, nobody is a moderator
        self.seq += 1
        heapq.heappush(self.queue, (at.astimezone(timezone.utc).isoformat(), self.seq, event))

    def message(self, chat: Chat, user: str, at: datetime, text: str, **extra) -> dict:
        self.n_msg += 1
        m = {"message_id": f"m-{self.n_msg}", "chat_id": chat.id, "sender_id": user,
             "sender_role": chat.roles.get(user, "parent"), "sent_at": at.isoformat(), "text": text,
             "chat": {"kind": chat.kind, "timezone": "Europe/Moscow"}, **extra}
        if user not in chat.roles:
            del m["sender_role"]
        self.push(at, m)
        return m

    def moment(self, day: date, kind: str) -> datetime:
        hour = self.rng.choices(range(24), HOURS[kind])[0]
        return datetime(day.year, day.month, day.day, hour, self.rng.randrange(60), self.rng.randrange(60),
                        tzinfo=MSK)

    def pick(self, chat: Chat, people: list[str], weights: list[float], at: datetime) -> str | None:
        """Who writes: by how much each writes; a blocked participant cannot (the messenger stops them)."""
        for _ in range(3):
            user = self.rng.choices(people, weights)[0]
            until = self.blocked.get((chat.id, user))
            if until is None or until <= at:
                return user
        return None

    def plan_day(self, day: date) -> None:
        r = self.rng
        school_day = day_factor(day, "parents") == 1.0
        for chat in self.s.chats.values():
            if not chat.open or not chat.members:
                continue
            n = int(chat.rate * day_factor(day, chat.kind) * r.uniform(0.7, 1.3) + r.random())
            people = list(chat.members)
            weights = list(chat.members.values())
            for _ in range(n):
                at = self.moment(day, chat.kind)
                if r.random() < TOXIC_SHARE[chat.kind]:
                    ordinary = [u for u in chat.troublemakers if u in chat.members
                                and self.blocked.get((chat.id, u), at) <= at]
                    user = r.choice(ordinary) if ordinary and r.random() < TROUBLEMAKERS else self.pick(chat, people, weights, at)
                    if user:
                        self.message(chat, user, at, r.choice(self.toxic))
                        self.counts["toxic"] += 1
                elif chat.guests and r.random() < 0.03:
                    self.message(chat, r.choice(chat.guests), at, r.choice(self.clean))
                elif r.random() < 0.002 and chat.kind == "parents":
                    user = self.pick(chat, people, weights, at)
                    if user:
                        self.message(chat, user, at,
                                     f"Мой номер 8 9{r.randint(10, 99)} {r.randint(100, 999)}-{r.randint(10, 99)}-"
                                     f"{r.randint(10, 99)}, звоните после шести")
                        self.counts["phone"] += 1
                else:
                    user = self.pick(chat, people, weights, at)
                    if user:
                        self.message(chat, user, at, r.choice(self.clean))
            if chat.kind == "parents" and school_day and r.random() < 0.15 and chat.moderator in chat.members:
                at = datetime(day.year, day.month, day.day, r.randint(10, 17), r.randrange(60), tzinfo=MSK)
                q = self.message(chat, chat.moderator, at, r.choice(ROLL_CALL))
                for parent in r.sample(people, min(len(people), r.randint(10, 25))):
                    if chat.roles.get(parent) == "parent":
                        at2 = at + timedelta(minutes=r.uniform(1, 120))
                        self.message(chat, parent, at2, r.choice(ANSWERS),
                                     **({"reply_to": q["message_id"]} if r.random() < 0.3 else {}))
                self.counts["roll calls"] += 1
            if chat.kind == "parents" and day in GREETINGS:
                at = datetime(day.year, day.month, day.day, 8, 0, tzinfo=MSK) + timedelta(minutes=r.uniform(0, 600))
                for parent in r.sample(people, min(len(people), r.randint(8, 18))):
                    self.message(chat, parent, at + timedelta(minutes=r.uniform(0, 40)), GREETINGS[day])
                self.counts["greeting cascades"] += 1
        self.roster_day(day)

    def roster_day(self, day: date) -> None:
        """Pupils who change school, a parent who leaves a chat, graduation, the new first grade."""
        r, s = self.rng, self.s
        noon = datetime(day.year, day.month, day.day, 12, 0, tzinfo=MSK)
        if not SUMMER[0] <= day <= SUMMER[1] and r.random() < 30 / 270:
            kid = r.choice(list(s.pupils))
            self.left_school(kid, noon)
            self.new_pupil(s.pupils.get(kid) or "5а", noon + timedelta(hours=2))
        if r.random() < 40 / 365:
            chat = r.choice([c for c in s.chats.values() if c.kind == "parents" and c.open])
            parent = r.choice([u for u, role in chat.roles.items() if role == "parent"] or [None])
            if parent:
                self.push(noon, {"event_id": s.eid(), "kind": "leave", "user_id": parent, "chat_id": chat.id,
                                 "at": noon.isoformat()})
                chat.members.pop(parent, None)
                chat.roles.pop(parent, None)
        if day == GRADUATION:
            for kid, cls in list(s.pupils.items()):
                if cls.startswith("11"):
                    self.left_school(kid, noon)
            for chat in s.chats.values():
                if chat.grade == 11:
                    chat.open = False
            self.counts["graduated chats"] += sum(1 for c in s.chats.values() if c.grade == 11)
        if day == NEW_FIRST_GRADE:
            for l in "абвг":
                teacher = f"t-new-{l}"
                chat = s.add(Chat(f"sch-1{l}-2027-parents", "parents", r.uniform(25, 40), teacher, 1))
                for event in self.join(chat, teacher, "teacher", 6.0, noon):
                    self.push(noon, event)
                for k in range(28):
                    kid = f"s-new-{l}{k:02}"
                    s.pupils[kid] = f"1{l}-2027"
                    for j in range(1 if r.random() < 0.45 else 2):
                        parent = f"p-new-{l}{k:02}-{j}"
                        for event in self.join(chat, parent, "parent", r.paretovariate(1.5), noon, [kid]):
                            self.push(noon + timedelta(minutes=r.uniform(0, 300)), event)
                chat.troublemakers = r.sample([u for u, role in chat.roles.items() if role == "parent"], 1)
                chat.guests = [f"g-{chat.id}-0"]

    def join(self, chat: Chat, user: str, role: str, weight: float, at: datetime, pupils=None) -> list[dict]:
        chat.members[user], chat.roles[user] = weight, role
        event = {"event_id": self.s.eid(), "kind": "join", "user_id": user, "chat_id": chat.id, "role": role,
                 "at": at.isoformat()}
        if pupils:
            event["pupils"] = pupils
        return [event]

    def left_school(self, kid: str, at: datetime) -> None:
        s = self.s
        cls = s.pupils.pop(kid, None)
        if cls is None:
            return
        self.push(at, {"event_id": s.eid(), "kind": "left_school", "user_id": kid, "role": "student",
                       "parents": s.parents_of.get(kid, []), "at": at.isoformat()})
        for chat in s.chats.values():           # what the roster will remove them from
            if chat.roles.get(kid):
                chat.members.pop(kid, None), chat.roles.pop(kid, None)
        for parent in s.parents_of.pop(kid, []):
            others = [k for k, ps in s.parents_of.items() if parent in ps and s.pupils.get(k) == cls]
            chat = s.chats.get(f"sch-{cls}-parents")
            if chat and not others:
                chat.members.pop(parent, None), chat.roles.pop(parent, None)
        self.counts["left school"] += 1

    def new_pupil(self, cls: str, at: datetime) -> None:
        s, r = self.s, self.rng
        kid = f"s-in-{s.n_event}"
        s.pupils[kid] = cls
        chat = s.chats.get(f"sch-{cls}-parents")
        if chat is None or not chat.open:
            return
        parent = f"p-in-{s.n_event}"
        s.parents_of[kid].append(parent)
        for event in self.join(chat, parent, "parent", r.paretovariate(1.5), at, [kid]):
            self.push(at, event)

    # -------------------------------------------------------------- answers
    def answer(self, fx) -> None:
        """What the moderators and the blocked do about what dozor said."""
        r = self.rng
        for f in fx.flags:
            if f.get("kind") == "review" and f.get("review") == "finding":
                chat = self.s.chats.get(f["chat_id"])
                roll = r.random()
                if chat is None or roll > 0.75 or chat.moderator not in chat.members:
                    self.counts["reviews left to expire"] += 1
                    continue
                at = datetime.fromisoformat(f["sent_at"]) + timedelta(hours=r.uniform(1, 40))
                kind = "confirm" if roll < 0.45 else "dismiss"
                self.counts[f"reviews {kind}ed"] += 1
                self.push(at, {"command_id": f"c-{self.seq}", "kind": kind, "chat_id": f["chat_id"],
                               "user_id": f["user_id"], "by": chat.moderator, "at": at.isoformat(),
                               "review_id": f["review_id"]})
        for d in fx.decisions:
            if d.action == "block":
                self.counts["blocks"] += 1
                self.blocked[(d.chat_id, d.user_id)] = datetime.fromisoformat(d.until)
                chat = self.s.chats.get(d.chat_id)
                if chat is None or r.random() > 0.3 or chat.moderator not in chat.members:
                    continue
                at = datetime.fromisoformat(d.issued_at) + timedelta(hours=r.uniform(20, 60))
                apology = self.message(chat, d.user_id, at, APOLOGY)
                at2 = at + timedelta(hours=r.uniform(1, 5))
                self.push(at2, {"command_id": f"c-{self.seq}", "kind": "unblock_request", "chat_id": d.chat_id,
                                "user_id": d.user_id, "by": chat.moderator, "at": at2.isoformat(),
                                "apology_message_id": apology["message_id"]})
                self.counts["unblock requests"] += 1
                if r.random() < 0.2:
                    others = [u for u in chat.members if u not in (d.user_id, chat.moderator)]
                    if not others:
                        continue
                    objector = r.choice(others)
                    at3 = at2 + timedelta(hours=r.uniform(1, 20))
                    self.push(at3, {"command_id": f"c-{self.seq}", "kind": "objection", "chat_id": d.chat_id,
                                    "user_id": d.user_id, "by": objector, "at": at3.isoformat()})
                    self.counts["objections"] += 1
            elif d.action == "unblock":
                self.counts["unblocks"] += 1
                self.blocked.pop((d.chat_id, d.user_id), None)

    def drain(self, until: datetime):
        """Every queued event up to `until`, through replay, in time order; what the answers add
        to the queue comes in its turn."""
        from streams.replay import replay

        stop = until.astimezone(timezone.utc).isoformat()

        def lines():
            while self.queue and self.queue[0][0] <= stop:
                _, _, event = heapq.heappop(self.queue)
                yield json.dumps(event, ensure_ascii=False)

        errors = []
        for fx in replay(lines(), self.engine, until=until, on_error=errors.append):
            self.counts["decisions"] += len(fx.decisions)
            self.counts["violation records"] += len(fx.violations)
            for v in fx.violations:
                self.categories.update({x["category"] for x in v["violations"]})
            self.counts["flags"] += len(fx.flags)
            self.answer(fx)
        self.counts["errors"] += len(errors)
        if errors and self.counts["errors"] <= 5:
            log(f"  replay refused: {errors[:3]}")


class Counting(dict):
    """A table that counts what it would write to its changelog (each set is one record)."""

    def __init__(self):
        super().__init__()
        self.writes = self.deletes = self.written = 0

    def __setitem__(self, key, value):
        self.writes += 1
        self.written += len(key.encode()) + len(changelog_json(value))
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.deletes += 1
        super().__delitem__(key)


def deep_size(obj, seen=None) -> int:
    """Bytes of memory held by `obj` and everything it refers to (CPython's getsizeof, summed)."""
    seen = seen if seen is not None else set()
    stack, total = [obj], 0
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, type):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack += list(o.keys()) + list(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)) or type(o).__name__ == "deque":
            stack += list(o)
        elif hasattr(o, "__dict__") and not callable(o):
            stack.append(o.__dict__)
    return total


def table_figures(table: Counting) -> dict:
    sizes = {k: len(k.encode()) + len(changelog_json(v)) for k, v in table.items()}
    big = max(sizes, key=sizes.get, default=None)
    return {"keys": len(table), "bytes": sum(sizes.values()), "largest": sizes.get(big, 0), "largest_key": big,
            "writes": table.writes, "written": table.written, "deletes": table.deletes}


def window_figures(windows) -> dict:
    return {"chats": len(windows), "ids": sum(len(w.ids) for w in windows.values()),
            "texts": sum(len(w.by_key) for w in windows.values()),
            "bytes": deep_size(windows)}


def run_year(shared: Path, seed: int, roster: bool = True) -> dict:
    t0 = time.process_time()
    w0 = time.monotonic()
    clean, toxic = pools(shared)
    log(f"year: {len(clean):,} clean and {len(toxic):,} toxic lines from the datasets")
    rng = random.Random(seed)
    school = School(rng)
    year = Year(school, clean, toxic, rng, roster)
    for event in school.joins:
        year.push(datetime.fromisoformat(event["at"]), event)
    roster = {"chats": len(school.chats), "people": len(school.people),
              "memberships": sum(len(c.members) for c in school.chats.values()),
              "guests": sum(len(c.guests) for c in school.chats.values())}
    log(f"year: {roster}")
    months = []
    day = SCHOOL_START
    while day <= SCHOOL_END:
        year.plan_day(day)
        end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=MSK)
        year.drain(end)
        if (day + timedelta(days=1)).month != day.month:
            row = {"month": f"{day:%Y-%m}", "messages": year.n_msg,
                   **{name: table_figures(t) for name, t in year.tables.items()},
                   "windows": window_figures(year.engine.windows)}
            months.append(row)
            p, d, m = row["participants"], row["due"], row["members"]
            log(f"  {row['month']}: {year.n_msg:,} messages; participants {p['keys']:,} / {p['bytes'] / 1e6:.2f} MB "
                f"(largest {p['largest'] / 1e3:.1f} KB); due {d['keys']:,} / {d['bytes'] / 1e3:.0f} KB (largest "
                f"{d['largest'] / 1e3:.1f} KB); members {m['keys']:,} / {m['bytes'] / 1e3:.0f} KB; windows "
                f"{row['windows']['chats']} chats, {row['windows']['ids']:,} ids, {row['windows']['bytes'] / 1e6:.2f} MB")
        day += timedelta(days=1)
    # what is left in the participants table, by what keeps it
    kept = Counter()
    for v in year.tables["participants"].values():
        kept["joined" if v.get("member") == "joined" else "pending" if (v.get("strikes") or v.get("reviews") or
              v.get("block") or v.get("request")) else "seen, not yet silent 180 days"] += 1
    biggest = year.tables["participants"].get(months[-1]["participants"]["largest_key"]) or {}
    return {"months": months, "roster": roster, "counts": dict(year.counts), "kept": dict(kept),
            "categories": dict(year.categories.most_common()),
            "biggest": {k: len(v) for k, v in biggest.items() if isinstance(v, (list, dict))},
            "lines": (len(clean), len(toxic)), "roster_events": roster, "cpu_s": round(time.process_time() - t0),
            "wall_s": round(time.monotonic() - w0), "load": load(), "seed": seed}


def year_md(res: dict) -> str:
    c, r = res["counts"], res["roster"]
    rows = "".join(
        f"| {m['month']} | {m['messages']:,} | {m['participants']['keys']:,} / {m['participants']['bytes'] / 1e6:.2f} MB "
        f"| {m['due']['keys']:,} / {m['due']['bytes'] / 1e3:.0f} KB | {m['members']['keys']:,} / "
        f"{m['members']['bytes'] / 1e3:.0f} KB | {max(m['participants']['largest'], m['due']['largest'], m['members']['largest']) / 1e3:.1f} KB "
        f"({'participants' if m['participants']['largest'] >= max(m['due']['largest'], m['members']['largest']) else 'due' if m['due']['largest'] >= m['members']['largest'] else 'members'}) "
        f"| {m['windows']['chats']} chats, {m['windows']['ids']:,} ids, {m['windows']['bytes'] / 1e6:.2f} MB |\n"
        for m in res["months"])
    last = res["months"][-1]
    p, d, mem = last["participants"], last["due"], last["members"]
    written = sum(last[t]["written"] for t in ("participants", "due", "members"))
    kept = ", ".join(f"{n:,} {why}" for why, n in sorted(res["kept"].items(), key=lambda x: -x[1]))
    total_mb = (p["bytes"] + d["bytes"] + mem["bytes"]) / 1e6
    return (
        f"**A school's year, in-process** (`--year`), measured {datetime.now():%Y-%m-%d} (load average {res['load']}; "
        f"{res['cpu_s']} s of one core). The engine and `streams.replay` (every timer fires) over every day from "
        f"2026-09-01 to 2027-08-31, nothing sampled: {r['chats']} chats at the start (50 parents', 30 students', 14 "
        f"subject, 6 staff; four grade-11 chats close in June and four new grade-1 chats open in late August), "
        f"{r['people']:,} people joined through the roster in {r['memberships']:,} memberships (120 staff, 900 pupils, "
        f"the rest parents in one or two chats) and {r['guests']} writers it does not list; {res['months'][-1]['messages']:,} "
        f"messages (20–40 a chat on a school day, subject chats 6–14; ×0.3 on Saturdays, ×0.2 on Sundays, ×0.25 in "
        f"the holidays, ×0.06 in the summer), {c.get('toxic', 0):,} of them real toxic comments (2.5% in parents' chats, "
        f"5% in students'), the rest real comments dozor finds nothing in ({res['lines'][0]:,} clean and "
        f"{res['lines'][1]:,} toxic lines from ../shared/datasets); {c.get('roll calls', 0):,} roll calls, "
        f"{c.get('greeting cascades', 0)} holiday greeting cascades, {c.get('phone', 0)} phone numbers, messages at "
        f"night. Moderators confirmed {c.get('reviews confirmed', 0):,} and dismissed {c.get('reviews dismissed', 0):,} "
        f"review items and left {c.get('reviews left to expire', 0):,} to expire; {c.get('blocks', 0)} blocks, "
        f"{c.get('unblock requests', 0)} early-unblock requests ({c.get('objections', 0)} objected to); "
        f"{c.get('left school', 0)} pupils left the school (grade 11 among them). {c.get('decisions', 0):,} decisions, "
        f"{c.get('violation records', 0):,} violation records, {c.get('flags', 0):,} flags.\n\n"
        f"| month end | messages so far | participants: keys / JSON | due (timers) | members (roster) | largest "
        f"value | flood windows (memory) |\n|---|---|---|---|---|---|---|\n{rows}\n"
        f"After the year the three tables hold **{p['keys'] + d['keys'] + mem['keys']:,} keys, {total_mb:.1f} MB** "
        f"as their changelogs would (Faust's JSON); the participants are {kept}. The largest value is "
        f"{max(p['largest'], d['largest'], mem['largest']) / 1e3:.1f} KB (a participant: "
        f"{', '.join(f'{k} {v}' for k, v in res['biggest'].items() if v)}). Over the year the tables wrote "
        f"{sum(last[t]['writes'] for t in ('participants', 'due', 'members')):,} changelog records, "
        f"{written / 1e6:.0f} MB (participants {p['written'] / 1e6:.0f} MB, due {d['written'] / 1e6:.0f} MB, "
        f"members {mem['written'] / 1e6:.1f} MB): what a compacted topic keeps is the table, what the embedded "
        f"broker keeps (it never compacts) is all of it. Flood windows are the worker's memory only: "
        f"{last['windows']['bytes'] / 1e6:.2f} MB for this school.")


# ------------------------------------------------------------------ a real worker
def start_worker(bootstrap: str, app_id: str, data: Path, fetch_wait: int = 100, env: dict | None = None,
                 core: str = "1") -> subprocess.Popen:
    environment = {**os.environ, "KAFKA_BOOTSTRAP": bootstrap, "DOZOR_APP_ID": app_id, "DOZOR_DATA_DIR": str(data),
                   "DOZOR_FETCH_WAIT_MS": str(fetch_wait), "PYTHONPATH": str(REPO), "DOZOR_LOGLEVEL": "warning",
                   **(env or {})}
    environment.pop("DOZOR_CHATS", None)
    return subprocess.Popen(["taskset", "-c", core, sys.executable, "-m", "streams.cli", "worker"], env=environment,
                            stdout=subprocess.DEVNULL, stderr=open(data / f"{app_id}-{time.time():.0f}.log", "ab"),
                            cwd=REPO)


def proc_status(pid: int, field: str) -> float:
    """A /proc/PID/status figure in MB (VmRSS: now, VmHWM: the peak)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def Answers(bootstrap: str, names: tuple[str, ...]):
    """When each message's first decision or violation arrived, by message id (benchmarks/stream.py's
    consumer thread, from the beginning of the topics)."""
    from stream import Decisions

    return Decisions(bootstrap, names, reset="earliest")


def producer(bootstrap: str):
    from kafka import KafkaProducer

    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, batch_size=256 * 1024,
                         max_in_flight_requests_per_connection=1, max_request_size=8 * 1024 * 1024,
                         key_serializer=lambda k: k if isinstance(k, bytes) or k is None else k.encode())


def probe_until_answered(prod, answers: Answers, proc: subprocess.Popen, started: float, timeout: float = 180) -> float:
    """Seconds from `started` until a probe message gets its decision (a probe every 0.5 s)."""
    from streams import topics

    chat = f"probe-{uuid.uuid4().hex[:6]}"
    sent, n = [], 0
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited with {proc.returncode}; see its log in the data dir")
        n += 1
        m = {"message_id": f"{chat}-{n}", "chat_id": chat, "sender_id": "probe", "text": "х*й",
             "sent_at": datetime.now(timezone.utc).isoformat(), "chat": {"kind": "staff"}}
        prod.send(topics.MESSAGES, key=chat, value=json.dumps(m).encode())
        prod.flush()
        sent.append(m["message_id"])
        until = time.monotonic() + 0.5
        while time.monotonic() < until:
            hit = [answers.arrived[s] for s in sent if s in answers.arrived]
            if hit:
                return min(hit) - started
            time.sleep(0.02)
    raise SystemExit(f"no probe answered in {timeout:.0f} s")


def read_changelog(bootstrap: str, topic: str, timeout: float = 600) -> dict:
    """Every record of a changelog topic: how many and how big, and what compaction would keep."""
    from kafka import KafkaConsumer, TopicPartition

    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100,
                      max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    try:
        parts = c.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return {"records": 0, "bytes": 0, "keys": 0, "live_keys": 0, "live_bytes": 0, "largest": 0}
        c.assign(tps)
        c.seek_to_beginning(*tps)
        ends = c.end_offsets(tps)
        records = size = 0
        last: dict[bytes, int] = {}
        deadline = time.monotonic() + timeout
        while any(c.position(tp) < ends[tp] for tp in tps) and time.monotonic() < deadline:
            for batch in c.poll(500).values():
                for r in batch:
                    records += 1
                    n = len(r.value) if r.value is not None else 0
                    size += len(r.key or b"") + n
                    last[r.key] = n if r.value is not None else -1
        live = {k: n for k, n in last.items() if n >= 0}
        return {"records": records, "bytes": size, "keys": len(last), "live_keys": len(live),
                "live_bytes": sum(len(k or b"") + n for k, n in live.items()), "largest": max(live.values(), default=0)}
    finally:
        c.close()


def daytime_zone() -> str:
    """A Russian time zone where it is now between 10:00 and 18:00: outside quiet hours, so the
    100k are a school day's messages, not a night of reminders, whenever this runs."""
    from zoneinfo import ZoneInfo

    now = datetime.now(timezone.utc)
    for z in ("Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
              "Asia/Novosibirsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan",
              "Asia/Kamchatka"):
        if 10 <= now.astimezone(ZoneInfo(z)).hour < 18:
            return z
    return "Europe/Moscow"


def worker_messages(clean: list[str], toxic: list[str], n: int, senders: int, chats: int, rng: random.Random,
                    tag: str, toxic_share: float = 0.04):
    """n messages, each of `senders` writes n/senders of them (shuffled), sender j always in chat j % chats."""
    zone = daytime_zone()
    order = [j for j in range(senders) for _ in range(n // senders)]
    rng.shuffle(order)
    for i, j in enumerate(order):
        text = rng.choice(toxic) if rng.random() < toxic_share else rng.choice(clean)
        chat = f"{tag}-chat-{j % chats}"
        yield chat, {"message_id": f"{tag}-{i}", "chat_id": chat, "sender_id": f"{tag}-u{j}", "sender_role": "parent",
                     "sent_at": datetime.now(timezone.utc).isoformat(), "text": text,
                     "chat": {"kind": "parents", "timezone": zone}}


def run_worker(shared: Path, n: int, senders: int, chats: int, seed: int) -> dict:
    from kafka.admin import KafkaAdminClient
    from kafka.partitioner.default import murmur2

    from streams import topics
    from streams.broker import EmbeddedBroker, create_topics

    clean, toxic = pools(shared, cap=300)
    rng = random.Random(seed)
    tag = f"w{uuid.uuid4().hex[:4]}"
    app_id = f"state-{tag}"
    res: dict = {"messages": n, "senders": senders, "chats": chats, "load_start": load()}
    broker = EmbeddedBroker().start()
    workers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        try:
            create_topics(broker.bootstrap, topics.ALL, PARTITIONS)
            prod = producer(broker.bootstrap)
            answers = Answers(broker.bootstrap, (topics.DECISIONS, topics.VIOLATIONS))
            t = time.monotonic()
            workers.append(start_worker(broker.bootstrap, app_id, data))
            res["start_empty_s"] = round(probe_until_answered(prod, answers, workers[-1], t), 1)
            time.sleep(2)
            pid = workers[-1].pid
            res["rss_before_mb"] = round(proc_status(pid, "VmRSS"))
            log(f"worker: ready in {res['start_empty_s']} s, RSS {res['rss_before_mb']} MB; producing {n:,} messages…")
            # a restart with empty tables, for comparison
            res["restart_empty_s"] = restart(workers, prod, answers, broker.bootstrap, app_id, data, signal.SIGTERM)
            pid = workers[-1].pid
            res["rss_before_mb"] = round(proc_status(pid, "VmRSS"))
            samples = []
            t0 = time.monotonic()
            for chat, m in worker_messages(clean, toxic, n, senders, chats, rng, tag):
                prod.send(topics.MESSAGES, key=chat, value=json.dumps(m, ensure_ascii=False).encode())
            markers = []
            for p in range(PARTITIONS):                   # a marker last in every partition
                k = next(k for k in range(10_000) if (murmur2(f"{tag}-mark-{k}".encode()) & 0x7FFFFFFF) % PARTITIONS == p)
                m = {"message_id": f"{tag}-mark-{p}", "chat_id": f"{tag}-mark-{k}", "sender_id": "marker",
                     "text": "х*й", "sent_at": datetime.now(timezone.utc).isoformat(), "chat": {"kind": "staff"}}
                prod.send(topics.MESSAGES, key=m["chat_id"], value=json.dumps(m).encode())
                markers.append(m["message_id"])
            prod.flush()
            res["produce_s"] = round(time.monotonic() - t0, 1)
            log(f"worker: produced in {res['produce_s']} s; draining…")
            while not all(m in answers.arrived for m in markers):
                if workers[-1].poll() is not None:
                    raise SystemExit(f"the worker died (exit {workers[-1].returncode}); its log is in {data}")
                samples.append((round(time.monotonic() - t0), round(proc_status(pid, "VmRSS"))))
                time.sleep(1)
            res["drain_s"] = round(max(answers.arrived[m] for m in markers) - t0, 1)
            time.sleep(5)                                  # the last batch's changelog writes
            res["rss_after_mb"] = round(proc_status(pid, "VmRSS"))
            res["rss_peak_mb"] = round(proc_status(pid, "VmHWM"))
            res["broker_rss_mb"] = round(proc_status(broker.proc.pid, "VmRSS"))
            res["rss_samples"] = samples[:: max(1, len(samples) // 20)]
            res["violations"] = answers.per_topic[topics.VIOLATIONS]
            res["decisions"] = answers.per_topic[topics.DECISIONS]
            log(f"worker: drained in {res['drain_s']} s; RSS {res['rss_before_mb']} → {res['rss_after_mb']} MB "
                f"(peak {res['rss_peak_mb']}); reading the changelogs…")
            admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
            for name in admin.list_topics():
                if name.startswith(app_id) and name.endswith("-changelog"):
                    settled(broker.bootstrap, name)
            names = sorted(t for t in admin.list_topics() if t.startswith(app_id) and t.endswith("-changelog"))
            admin.close()
            res["changelogs"] = {}
            for name in names:
                table = name[len(app_id) + 1:-len("-changelog")]
                res["changelogs"][table] = read_changelog(broker.bootstrap, name)
                log(f"  {table}: {res['changelogs'][table]}")
            res["restart_term_s"] = restart(workers, prod, answers, broker.bootstrap, app_id, data, signal.SIGTERM)
            time.sleep(2)
            res["rss_restarted_mb"] = round(proc_status(workers[-1].pid, "VmRSS"))
            res["restart_kill_s"] = restart(workers, prod, answers, broker.bootstrap, app_id, data, signal.SIGKILL)
            res["load_end"] = load()
            log(f"worker: restart after SIGTERM {res['restart_term_s']} s, after SIGKILL {res['restart_kill_s']} s "
                f"(empty tables: {res['restart_empty_s']} s); RSS after recovery {res['rss_restarted_mb']} MB")
            answers.close()
            prod.close()
        finally:
            for w in workers:
                if w.poll() is None:
                    w.terminate()
                    try:
                        w.wait(30)
                    except subprocess.TimeoutExpired:
                        w.kill()
                        w.wait()
            broker.stop()
    return res


def restart(workers: list, prod, answers: Answers, bootstrap: str, app_id: str, data: Path, sig) -> float:
    """Stop the worker (SIGTERM: cleanly, leaving the group; SIGKILL: the group waits for its
    session to time out), start a new one with the same app id, seconds until it answers a probe."""
    old = workers[-1]
    old.send_signal(sig)
    old.wait(60)
    t = time.monotonic()
    workers.append(start_worker(bootstrap, app_id, data))
    return round(probe_until_answered(prod, answers, workers[-1], t), 1)


def size(n: int) -> str:
    return f"{n} bytes" if n < 1000 else f"{n / 1e3:.1f} KB"


def settled(bootstrap: str, topic: str, quiet: float = 10, timeout: float = 300) -> None:
    """Wait until a topic has stopped growing for `quiet` seconds (the roster agent writes the
    members table after the moderate agent has answered: the markers do not wait for it)."""
    from kafka import KafkaConsumer, TopicPartition

    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic) or ())]
        last, since, deadline = None, time.monotonic(), time.monotonic() + timeout
        while time.monotonic() < deadline:
            ends = sum(c.end_offsets(tps).values()) if tps else 0
            if ends != last:
                last, since = ends, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(1)
    finally:
        c.close()


def worker_md(r: dict) -> str:
    cl = r["changelogs"]
    rows = "".join(
        f"| `{name}` | {c['records']:,} records, {c['bytes'] / 1e6:.1f} MB | {c['live_keys']:,} keys, "
        f"{c['live_bytes'] / 1e6:.2f} MB | {size(c['largest'])} |\n" for name, c in sorted(cl.items()))
    return (
        f"**100,000 messages from 20,000 senders through one worker** (`--worker`), measured "
        f"{datetime.now():%Y-%m-%d} on the embedded broker (Tansu 0.6, memory), the worker pinned to one core "
        f"(load average {r['load_start']} at the start, {r['load_end']} at the end): {r['messages']:,} real comments "
        f"(4% toxic) from {r['senders']:,} senders in {r['chats']:,} parents' chats (in a time zone where it was day: "
        f"no quiet-hours reminders), five messages each, queued "
        f"in {r['produce_s']} s and drained in {r['drain_s']} s ({r['violations']:,} violation records, "
        f"{r['decisions']:,} decisions). The issue's figures before the bounding: RSS 89 → 202 MB, restart 6 → 21 s.\n\n"
        f"| measure | figure |\n|---|---|\n"
        f"| worker RSS: ready, empty tables → after the 100k | **{r['rss_before_mb']} → {r['rss_after_mb']} MB** "
        f"(peak {r['rss_peak_mb']} MB) |\n"
        f"| restart (stop, start with the same app id, until a probe is answered): empty tables | "
        f"{r['restart_empty_s']} s (first start {r['start_empty_s']} s) |\n"
        f"| restart after the 100k: SIGTERM / SIGKILL | **{r['restart_term_s']} s / {r['restart_kill_s']} s** "
        f"(RSS after recovery {r['rss_restarted_mb']} MB) |\n"
        f"| embedded broker's RSS at the end | {r['broker_rss_mb']} MB |\n\n"
        f"| changelog topic | on the broker (never compacted) | what compaction keeps | largest value |\n"
        f"|---|---|---|---|\n{rows}")


def write(section: str, md: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, s1, rest = text.partition(MARK_START)
    block, s2, tail = rest.partition(MARK_END)
    if not (s1 and s2):
        sys.exit(f"README.md lacks {MARK_START} … {MARK_END}")
    start, end = SUB[section]
    if start in block:
        before, _, after = block.partition(start)
        _, _, after = after.partition(end)
        block = f"{before}{start}\n{md}\n{end}{after}"
    else:
        block = block.rstrip("\n") + f"\n{start}\n{md}\n{end}\n"
    readme.write_text(f"{head}{MARK_START}{block}{MARK_END}{tail}", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--year", action="store_true", help="a school's year, in-process")
    ap.add_argument("--worker", action="store_true", help="100k messages through a real worker")
    ap.add_argument("--no-roster", action="store_true",
                    help="--year with no roster events: every writer only «seen» (and nobody a moderator)")
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--senders", type=int, default=20_000)
    ap.add_argument("--chats", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--write", action="store_true", help="rewrite the README tables")
    a = ap.parse_args(argv)
    if not (a.year or a.worker):
        ap.error("say --year, --worker or both")
    out = {}
    if a.year:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        out["year"] = run_year(a.shared, a.seed, roster=not a.no_roster)
        md = year_md(out["year"])
        print(md + "\n")
        if a.write and not a.no_roster:
            write("year", md)
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        gc.collect()
    if a.worker:
        out["worker"] = run_worker(a.shared, a.messages, a.senders, a.chats, a.seed)
        md = worker_md(out["worker"])
        print(md)
        if a.write:
            write("worker", md)
    if a.json:
        a.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
