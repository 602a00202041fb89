"""The `dozor` command: check, replay, run, worker, send, tail, lexicon."""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dozor", description=
                                     "Moderation for Russian school group chats.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="verdicts for texts or JSONL messages; no broker needed",
                       description="Verdicts for texts or JSONL messages; no broker needed. Texts given on the "
                                   "command line are judged by their content only (words, not the time they "
                                   "were sent) unless --at gives a send time; JSONL messages carry their own "
                                   "sent_at and are judged whole, quiet hours included.")
    p.add_argument("texts", nargs="*", help="texts to check (each one is a message)")
    p.add_argument("--at", metavar="TIME",
                   help="judge the texts as if sent at TIME, quiet hours included: an ISO 8601 time with "
                        "offset (2026-11-18T22:44:00+03:00) or HH:MM in the chat registry's default time "
                        "zone (Europe/Moscow unless DOZOR_CHATS says otherwise)")
    p.add_argument("--jsonl", action="store_true",
                   help="read contract §1 messages as JSONL from stdin, write one verdict per line")
    p.add_argument("--file", type=Path, help="read JSONL messages from this file, readable output")
    p.add_argument("--demo", action="store_true", help="check the bundled sample parents' chat")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("replay", help="the whole policy over a recorded stream; decisions as JSONL")
    p.add_argument("file", type=Path, help="JSONL: messages, commands and roster events, in order")
    p.add_argument("--until", help="at the end, let the clock run to this ISO time (fires due unblocks)")
    p.add_argument("--all", action="store_true", help="also print violations and flags (with a 'type')")
    p.add_argument("--lexicons", type=Path, help="judge with the lexicons in this folder (default: in force)")
    p.add_argument("--shadow", type=Path, metavar="DIR",
                   help="also run the candidate lexicons in DIR, never acting on them; report where they "
                        "disagree (stderr; with --all also as records of type 'shadow')")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("run", help="the service with zero setup (embedded broker unless KAFKA_BOOTSTRAP)")
    p.add_argument("--demo", action="store_true", help="play the sample parents' chat and show decisions")
    p.add_argument("--no-console", action="store_true", help="do not start the moderators' console beside it")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("console", help="the moderators' web console (reads flags, decisions and violations; "
                                       "sends their commands)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8077, help="port (default 8077; 0 for a free one)")
    p.add_argument("action", nargs="?", choices=("serve", "digest"), default="serve",
                   help="serve (default): the site, the reader and the daily digest; digest: send today's "
                        "digests to the moderators now, once")
    p.add_argument("--ingest-only", action="store_true",
                   help="only read the topics into the database, no web server (beside a WSGI server of yours)")
    p.add_argument("--at", metavar="TIME", help="digest: as if it were TIME (ISO 8601 with offset)")
    p.set_defaults(func=cmd_console)

    p = sub.add_parser("console-user", help="moderators' console accounts: add, password, list")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = csub.add_parser("add", help="a new moderator account (asks for the password)")
    q.add_argument("login")
    q.add_argument("--user-id", required=True, help="the moderator's messenger user id (commands are sent by it)")
    q.add_argument("--chats", required=True, help="the chat ids they moderate, comma-separated")
    q.add_argument("--password-file", type=Path, help="read the password from this file instead of asking")
    q = csub.add_parser("password", help="set a new password (asks for it)")
    q.add_argument("login")
    q.add_argument("--password-file", type=Path, help="read the password from this file instead of asking")
    csub.add_parser("list", help="the accounts, their messenger ids and chats")
    p.set_defaults(func=cmd_console_user)

    p = sub.add_parser("worker", help="one stream worker against KAFKA_BOOTSTRAP (run many side by side)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("send", help="send a test message to chat.messages")
    p.add_argument("text", nargs="?", help="the text (or --json)")
    p.add_argument("--chat", default="test-chat")
    p.add_argument("--user", default="test-user")
    p.add_argument("--json", help="a whole contract §1 message, or a command/roster event with --topic")
    p.add_argument("--topic", default="chat.messages")
    p.set_defaults(func=cmd_send)

    p = sub.add_parser("tail", help="print what dozor publishes (decisions by default)")
    p.add_argument("topics", nargs="*", default=["moderation.decisions"])
    p.add_argument("--from-beginning", action="store_true")
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser("deadletters", help="the records dozor could not use, with the reasons (never in clear)")
    p.add_argument("--decrypt", metavar="KEYFILE", type=Path,
                   help="the operators' Fernet key (DOZOR_DEADLETTER_KEY): also print each original record")
    p.add_argument("--limit", type=int, default=50, help="the newest N (default 50, 0 for all)")
    p.add_argument("--new-key", metavar="FILE", type=Path,
                   help="make the operators' key (for DOZOR_DEADLETTER_KEY) in FILE and stop")
    p.set_defaults(func=cmd_deadletters)

    p = sub.add_parser("producer-key", help="a new producer key pair: the private key to a file, the public "
                                            "key printed for DOZOR_PRODUCERS (streams/identity.py)")
    p.add_argument("name", help="who produces with it: gateway, console, workers…")
    p.add_argument("--out", type=Path, required=True, help="where to write the private key (mode 0600)")
    p.set_defaults(func=cmd_producer_key)

    p = sub.add_parser("lexicon", help="lint, test, explain and sweep the word lists")
    lsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext in (("lint", "check the files for mistakes (every category unless one is named)"),
                           ("test", "run every +/-/? example (every category unless one is named)"),
                           ("sweep", "re-run the dictionary sweep and rewrite swept.tsv")):
        q = lsub.add_parser(name, help=helptext)
        q.add_argument("category", nargs="?", default="profanity" if name == "sweep" else None)
        if name == "lint":
            q.add_argument("--strict", action="store_true", help="warnings fail too (exit status 1)")
        if name == "sweep":
            q.add_argument("--check", action="store_true",
                           help="do not write; exit 1 if swept.tsv is out of date")
    q = lsub.add_parser("diff", help="what an edit changes: dictionary words and sample lines whose "
                                     "verdict differs from a git revision (default HEAD) or a folder")
    q.add_argument("versions", nargs="*", metavar="OLD [NEW]",
                   help="two versions, each a lexicons folder or a git revision (default: HEAD and the "
                        "working tree), e.g. `dozor lexicon diff HEAD~3` or `dozor lexicon diff old/ new/`")
    q.add_argument("--against", default="HEAD", help="git revision to compare with (default HEAD)")
    q.add_argument("--old", type=Path, help="compare this lexicons folder instead of a revision")
    q.add_argument("--new", type=Path, help="the new lexicons folder (default: the working tree)")
    q.add_argument("--corpus", type=Path, help="more sample lines: text or contract §1 JSONL, one per line")
    q = lsub.add_parser("explain", help="why a text is or is not flagged, word by word")
    q.add_argument("text", nargs="+")
    q.add_argument("--category", default="profanity")
    q = lsub.add_parser("publish", help="send a lexicon version to the running workers (live or shadow), "
                                        "after the same checks the workers make")
    q.add_argument("--dir", type=Path, help="the lexicons folder (default: the one in force, DOZOR_LEXICONS)")
    mode = q.add_mutually_exclusive_group()
    mode.add_argument("--shadow", action="store_true",
                      help="run it beside the live version, recording disagreements, acting on nothing")
    mode.add_argument("--shadow-off", action="store_true", help="stop shadow mode (the live version stays)")
    q.add_argument("--allow-shrink", action="store_true",
                   help="allow a category to lose more than half its entries (workers refuse that otherwise)")
    lsub.add_parser("promote", help="make the candidate now in shadow mode the live version")
    q = lsub.add_parser("keygen", help="make the key pair lexicon versions are signed with; prints the "
                                       "public key for the workers' DOZOR_LEXICON_PUBLIC_KEY")
    q.add_argument("--out", type=Path, help="the private key file (default: DOZOR_LEXICON_SIGNING_KEY, "
                                            "else keys/lexicon-signing.key in DOZOR_DATA_DIR)")
    q = lsub.add_parser("shadow-report", help="where the shadow candidate and the live version disagree")
    q.add_argument("--limit", type=int, default=5, help="examples shown per kind (default 5)")
    lsub.add_parser("status", help="the live and shadow versions published on the lexicon topic")
    q = lsub.add_parser("reviews", help="entries and rules by what moderators made of their findings "
                                        "(confirmed, dismissed, pardoned, expired): which ones cost innocent people",
                        description="Entries and rules by what moderators made of their findings, worst first. "
                                    "Reads moderation.flags on KAFKA_BOOTSTRAP, or --flags FILE (flags as JSONL, "
                                    "e.g. `dozor tail moderation.flags --from-beginning > flags.jsonl` or the "
                                    "output of `dozor replay --all`), or --replay FILE (a recorded stream of "
                                    "messages and moderators' commands, replayed here).")
    src = q.add_mutually_exclusive_group()
    src.add_argument("--flags", type=Path, metavar="FILE", help="flags as JSONL instead of the topic")
    src.add_argument("--replay", type=Path, metavar="FILE", help="replay this stream in-process and report on it")
    q.add_argument("--limit", type=int, default=30, help="rows shown (default 30, 0 for all)")
    p.set_defaults(func=cmd_lexicon)

    from .model_admin import add_parser as add_model_parser
    add_model_parser(sub)

    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


# ------------------------------------------------------------------ check
def cmd_check(args) -> int:
    from filters import Message, MessageError, check

    if args.jsonl:
        _settle()
        return _check_jsonl(sys.stdin, sys.stdout)
    if args.demo or args.file:
        path = args.file or EXAMPLES / "parents-chat.jsonl"
        if not path.exists():
            print(f"dozor check: {path} not found" + (
                "; --demo needs a source checkout of dozor (pip install -e .)" if args.demo else ""),
                file=sys.stderr)
            return 2
        errors = 0
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    msg = Message.from_dict(json.loads(line))
                except (ValueError, MessageError) as err:
                    errors += 1
                    print(f"{path}:{lineno}: not a message: {err}", file=sys.stderr)
                    continue
                _print_readable(msg, check(msg))
        return 1 if errors else 0
    if not args.texts:
        print("dozor check: give texts to check, or --jsonl to read messages from stdin, "
              "or --demo for the bundled sample chat", file=sys.stderr)
        return 2
    try:
        at = _send_time(args.at) if args.at else None
    except ValueError as err:
        print(f"dozor check: --at {args.at!r}: {err}", file=sys.stderr)
        return 2
    for i, text in enumerate(args.texts, 1):
        # without --at there is no send time to judge: any fixed moment will do, quiet hours are skipped
        msg = Message(f"arg-{i}", "cli", "cli", at or _NO_TIME, text)
        _print_readable(msg, check(msg, content_only=at is None))
    return 0


_NO_TIME = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def _settle() -> None:
    """Before a stream of messages: the lexicons compiled, and what that made (tables, patterns, the
    dictionary) moved out of the garbage collector's sight, which otherwise walks it again and
    again as the word caches grow; collections of the young objects come less often too. Nothing
    judged changes. A lexicon that does not load is left to say so on each line, as before."""
    import gc

    from filters.ruleset import default
    try:
        default()
    except Exception:
        return
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


def _send_time(value: str) -> datetime:
    """`--at`: an ISO time with offset, or HH:MM on the clock of the registry's default zone."""
    import re
    from zoneinfo import ZoneInfo

    from filters import registry

    if re.fullmatch(r"\d{1,2}:\d{2}", value):
        hour, minute = map(int, value.split(":"))
        if hour > 23 or minute > 59:
            raise ValueError("HH:MM must be a time of day, 00:00–23:59")
        zone = registry.load()["defaults"].timezone
        return datetime(2026, 1, 15, hour, minute, tzinfo=ZoneInfo(zone))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("give an ISO 8601 time with offset, e.g. 2026-11-18T22:44:00+03:00, or HH:MM") from None
    if moment.tzinfo is None:
        raise ValueError("the time has no UTC offset; add +03:00 or Z, or give HH:MM")
    return moment


# the verdict's JSON exactly as json.dumps(out, ensure_ascii=False) writes it, from an encoder made
# once (dumps given an option makes one per call) and without the cycle check (a verdict is a tree)
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_encode_ascii = json.JSONEncoder(check_circular=False).encode


def _check_jsonl(src, dst) -> int:
    """One verdict or one error object per input line, in order, whatever the bytes: not UTF-8,
    not JSON, not an object, nested too deep, over the size limit, fields of the wrong kind. Blank
    lines are no messages and get no answer. Stdin is read as bytes (a line in another encoding is
    an error object naming it, not a crash), a line over the limit is skipped without being held
    in memory, and what is written always encodes (a lone surrogate would stop the writer)."""
    from filters import Message, MessageError, check
    from filters.door import MAX_RECORD_BYTES, decode_json, id_problem, utf8

    source = getattr(src, "buffer", src)           # bytes from a real stdin, str from a StringIO
    binary = getattr(dst, "buffer", None)
    if binary is not None:
        dst.flush()

    def lines():
        """(number, line without its newline or None when too long, its size), read at most limit + 1
        at a time."""
        n = 0
        while True:
            chunk = source.readline(MAX_RECORD_BYTES + 2)
            if not chunk:
                return
            n += 1
            newline = b"\n" if isinstance(chunk, bytes) else "\n"
            if chunk.endswith(newline):
                chunk = chunk[:-1]
            elif len(chunk) > MAX_RECORD_BYTES:
                size = len(chunk)
                while True:                          # the rest of the line, read and dropped
                    chunk = source.readline(1 << 16)
                    size += len(chunk)
                    if not chunk or chunk.endswith(newline):
                        break
                yield n, None, size - bool(chunk)
                continue
            yield n, chunk, len(chunk)

    def write(out: dict) -> None:
        line = _encode(out) + "\n"
        if binary is None:
            dst.write(line)
            return
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:       # a lone surrogate the door let by: escaped, still JSON
            data = (_encode_ascii(out) + "\n").encode("ascii")
        binary.write(data)               # buffered: written in blocks, never flushed per line

    def answer(lineno: int, line, size: int) -> dict | None:
        """What one line gets: a verdict, an error object (with "error"), or None when it is blank."""
        def bad(why: str) -> dict:
            return {"error": f"line {lineno}: {why}", "line": lineno}

        if line is None:
            return bad(f"{size:,} bytes, over the {MAX_RECORD_BYTES:,} dozor reads: a chat message is a "
                       f"few kilobytes; send files by reference, not inline")
        try:
            text = utf8(line) if isinstance(line, bytes) else line
            if not text.strip():
                return None
            data = decode_json(text)
        except ValueError as err:                # not UTF-8, not JSON, nested too deep, a huge number
            return bad(str(err))
        try:
            msg = Message.from_dict(data)
        except MessageError as err:
            out = {"error": f"line {lineno} is not a message: {err}", "line": lineno}
            mid = data.get("message_id") if isinstance(data, dict) else None
            if id_problem(mid) is None:          # echoed only when it is a usable id
                out["message_id"] = mid
            return out
        except Exception as err:                 # a bug at the door: said, and the next line still runs
            return bad(f"dozor could not read this message ({type(err).__name__}); please report it with the line")
        try:
            out = check(msg).to_dict()
        except Exception as err:                 # a bug in a detector, not the sender's fault
            return bad(f"dozor could not judge this message ({type(err).__name__}); please report it "
                       f"with the line") | {"message_id": msg.message_id}
        if msg.repairs:
            out["repaired"] = list(msg.repairs)
        return out

    errors = 0
    for lineno, line, size in lines():
        out = answer(lineno, line, size)
        if out is None:
            continue
        errors += "error" in out
        write(out)
    if binary is not None:
        binary.flush()
    if errors:
        print(f"dozor check: {errors} line(s) were not valid messages; see the error objects "
              f"in the output", file=sys.stderr)
    return 1 if errors else 0


def _print_readable(msg, verdict) -> None:
    text = msg.text if len(msg.text) <= 100 else msg.text[:97] + "…"
    if not verdict.violations:
        print(f"✓ {msg.message_id}  «{text}»  clean")
        return
    print(f"✗ {msg.message_id}  «{text}»")
    for v in verdict.violations:
        print(f"    {v.category} ({v.severity}, {v.certainty}, {v.rule}{', reported' if v.reported else ''}"
              f"{', URGENT' if v.urgent else ''})")
        for e in v.evidence:
            read = "" if e.normalized.lower() == e.text.lower() else f" read as «{e.normalized}»"
            print(f"      «{e.text}» at {e.start}–{e.end}{read}: entry {e.entry}" + (f", {e.source}" if e.source else ""))
        if v.category not in ("profanity",) or not v.evidence:
            print(f"      why: {v.explanation}")


# ------------------------------------------------------------ the stream
def cmd_replay(args) -> int:
    from filters.ruleset import LexiconRefused
    from filters.shadow import report
    from streams.policy import Engine
    from streams.policy.records import parse_time
    from streams.replay import replay

    if not args.file.exists():
        print(f"dozor replay: {args.file} not found", file=sys.stderr)
        return 2
    errors = []
    tty = sys.stderr.isatty()

    def progress(n):
        if tty and n % 500 == 0:
            print(f"\r{n:,} records", end="", file=sys.stderr, flush=True)

    def on_error(reason):
        errors.append(reason)
        print(f"dozor replay: {reason}", file=sys.stderr)

    until = parse_time(args.until) if args.until else None
    try:
        held = _replay_lexicons(args.lexicons, args.shadow)
    except (LexiconRefused, OSError) as err:
        print(f"dozor replay: {err}", file=sys.stderr)
        return 2
    n, shadowed = 0, []
    with open(args.file, encoding="utf-8") as fh:
        for fx in replay(fh, Engine(detect=held.detect), until=until, on_error=on_error, progress=progress):
            for record in held.take_disagreements():
                shadowed.append(record)
                if args.all:
                    print(json.dumps(record | {"type": "shadow"}, ensure_ascii=False))
            for d in fx.decisions:
                out = d.to_dict() | ({"type": "decision"} if args.all else {})
                print(json.dumps(out, ensure_ascii=False))
                n += 1
            if args.all:
                for v in fx.violations:
                    print(json.dumps(v | {"type": "violation"}, ensure_ascii=False))
                for f in fx.flags:
                    print(json.dumps(f | {"type": "flag"}, ensure_ascii=False))
    if tty:
        print(f"\r{n} decisions, {len(errors)} bad record(s)", file=sys.stderr)
    if held.shadow is not None:
        for line in report(shadowed, held.compared, versions=(held.live.version, held.shadow.version)):
            print(line, file=sys.stderr)
    return 1 if errors else 0


def _replay_lexicons(live_dir: Path | None, shadow_dir: Path | None):
    """The same holder a worker uses, filled synchronously: replay is one batch."""
    import tempfile

    from filters.ruleset import default, load
    from streams.lexicons import Lexicons

    live = load(live_dir, validate=True) if live_dir else default()
    held = Lexicons(live, Path(tempfile.gettempdir()))
    if shadow_dir:
        held.shadow = load(shadow_dir, validate=True)
    held.begin_batch()
    return held


def _settings():
    from streams.settings import Settings
    return Settings.from_env()


def cmd_run(args) -> int:
    from streams.service import run
    hook = None if args.no_console else (lambda settings: _start_console(settings, args.demo))
    return run(_settings(), demo=args.demo, on_ready=hook)


DEMO_CHAT, DEMO_MODERATOR = "sch31-5b-parents", "t-demo"      # the sample chat of examples/parents-chat.jsonl


def _start_console(settings, demo: bool):
    """The moderators' console beside the worker (console/); its failure never stops the worker.
    Returns what stops it."""
    import os

    from streams.service import say
    try:
        from console import server
        try:
            console = server.start(settings.bootstrap, "127.0.0.1", int(os.environ.get("DOZOR_CONSOLE_PORT", "8077")),
                                   metrics=server.metrics_address(), digest=True)
        except OSError:
            if os.environ.get("DOZOR_CONSOLE_PORT"):
                raise
            console = server.start(settings.bootstrap, "127.0.0.1", 0,      # another `dozor run` has 8077
                                   metrics=server.metrics_address(), digest=True)
    except Exception as err:                 # a port taken, a database that will not open
        say(f"dozor: the moderators' console did not start ({err}); the worker runs without it. "
            f"Set DOZOR_CONSOLE_PORT to another port, or run `dozor run --no-console`")
        return None
    say(f"dozor: the moderators' console is at {console.url} (accounts: `dozor console-user add`)"
        + (f"; its metrics at {console.metrics_url}" if console.metrics_url else ""))
    # urgent notifications link to the items here, unless the operator said where moderators reach it
    os.environ.setdefault("DOZOR_CONSOLE_URL", console.url)
    if demo:
        from console import accounts
        try:
            password = accounts.demo("demo", DEMO_MODERATOR, DEMO_CHAT)
            _join_as_teacher(settings.bootstrap, DEMO_MODERATOR, DEMO_CHAT)
        except Exception as err:
            say(f"dozor: the demo moderator could not be made ({err}); make one with `dozor console-user add`")
            return console.stop
        say(f"dozor: demo moderator for {DEMO_CHAT}: sign in at {console.url} as «demo», password {password} "
            f"(new at every start)")
    return console.stop


def _join_as_teacher(bootstrap: str, user_id: str, chat_id: str) -> None:
    """The workers obey a moderator's command only from a moderator of the chat: the demo one joins it
    as its teacher (a roster event, as a gateway would send)."""
    from streams import identity, topics
    from streams.service import producer

    event = {"event_id": f"demo-join-{user_id}", "kind": "join", "user_id": user_id, "chat_id": chat_id,
             "role": "teacher", "at": datetime.now(timezone.utc).isoformat()}
    signer = identity.load_signer()
    headers = signer.headers(topics.ROSTER, user_id.encode(), json.dumps(event, ensure_ascii=False).encode()) \
        if signer else None
    prod = producer(bootstrap)
    prod.send(topics.ROSTER, key=user_id, value=event, headers=headers).get(10)
    prod.close()


def cmd_console(args) -> int:
    from console import server
    return server.main(args)


def cmd_console_user(args) -> int:
    from console import server
    return server.user_command(args)


def cmd_worker(args) -> int:
    from streams.service import worker
    settings = _settings()
    if not settings.bootstrap:
        print("dozor worker: set KAFKA_BOOTSTRAP=host:port (or use `dozor run`, which starts "
              "an embedded broker)", file=sys.stderr)
        return 2
    return worker(settings)


def _bootstrap_or_exit(cmd: str) -> str:
    import os
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        print(f"dozor {cmd}: set KAFKA_BOOTSTRAP=host:port (`dozor run` prints it)", file=sys.stderr)
        raise SystemExit(2)
    return bootstrap


def cmd_send(args) -> int:
    from streams.service import producer

    bootstrap = _bootstrap_or_exit("send")
    if args.json:
        value = json.loads(args.json)
    elif args.text:
        n = int(time.time() * 1000)
        value = {"message_id": f"cli-{n}", "chat_id": args.chat, "sender_id": args.user,
                 "sent_at": datetime.now(timezone.utc).astimezone().isoformat(), "text": args.text}
    else:
        print("dozor send: give a text or --json", file=sys.stderr)
        return 2
    key = str((value.get("user_id") if args.topic == "chat.roster" else value.get("chat_id")) or "")
    from streams import identity

    try:
        signer = identity.load_signer()
    except ValueError as err:
        print(f"dozor send: {err}", file=sys.stderr)
        return 2
    headers = signer.headers(args.topic, key.encode(), json.dumps(value, ensure_ascii=False).encode()) \
        if signer else None                # the bytes the producer below sends, signed
    prod = producer(bootstrap)
    prod.send(args.topic, key=key, value=value, headers=headers).get(10)
    prod.close()
    print(json.dumps(value, ensure_ascii=False))
    return 0


def cmd_deadletters(args) -> int:
    from streams import topics, wire
    from streams.broker import read_to_end

    if args.new_key:
        if args.new_key.exists():
            print(f"dozor deadletters: {args.new_key} exists; a key is never overwritten (originals encrypted "
                  f"with it would be lost)", file=sys.stderr)
            return 2
        wire.new_key(args.new_key)
        print(f"wrote a new key to {args.new_key} (mode 0600): set DOZOR_DEADLETTER_KEY={args.new_key} for the "
              f"workers, and keep a copy outside Kafka", file=sys.stderr)
        return 0
    bootstrap = _bootstrap_or_exit("deadletters")
    try:
        cipher = wire.load_cipher(str(args.decrypt)) if args.decrypt else None
    except ValueError as err:
        print(f"dozor deadletters: {err}", file=sys.stderr)
        return 2
    values, _ = read_to_end(bootstrap, topics.DEADLETTER, timeout=120)
    letters = [json.loads(v) for v in values]
    shown = letters[-args.limit:] if args.limit else letters
    print(f"{len(letters)} dead letter(s) on {topics.DEADLETTER}; the newest {len(shown)}:", file=sys.stderr)
    for d in shown:
        print(f"{d.get('at', '?')}  {d.get('topic')}[{d.get('partition')}]@{d.get('offset')}  {d.get('size')} bytes  "
              f"{d.get('reason')}")
        if cipher is not None:
            try:
                original = wire.decrypt(d, cipher)
            except Exception:
                print("    (not decryptable with this key)")
                continue
            print("    " + (original.decode("utf-8", "replace")[:2000] if original is not None
                           else d.get("original_note", "(no original kept)")))
    return 0


def cmd_producer_key(args) -> int:
    from streams import identity

    if args.out.exists():
        print(f"dozor producer-key: {args.out} exists; choose another file (a key is never overwritten)",
              file=sys.stderr)
        return 2
    signer = identity.new_signer(args.name, args.out)
    public = identity.public_text(signer.key.public_key())
    print(f"wrote the private key of {args.name!r} to {args.out} (mode 0600): set DOZOR_PRODUCER_KEY={args.out} "
          f"where {args.name} runs. Its public key, for the workers' DOZOR_PRODUCERS file:", file=sys.stderr)
    print(f'[producers.{args.name}]\npublic_key = "{public}"\ntopics = []     # the topics {args.name} writes')
    return 0


def cmd_tail(args) -> int:
    from streams.service import consumer, describe, describe_flag

    bootstrap = _bootstrap_or_exit("tail")
    tail = consumer(bootstrap, *args.topics, from_beginning=args.from_beginning)
    tail.config["consumer_timeout_ms"] = float("inf")
    print(f"tailing {', '.join(args.topics)} on {bootstrap} (Ctrl-C stops)", file=sys.stderr)
    try:
        for record in tail:
            value = json.loads(record.value)
            line = (describe(value) if record.topic == "moderation.decisions" else
                    describe_flag(value) if record.topic == "moderation.flags" and describe_flag(value) else
                    json.dumps(value, ensure_ascii=False))
            print(line if sys.stdout.isatty() else json.dumps(value, ensure_ascii=False), flush=True)
    finally:
        tail.close()
    return 0


# ---------------------------------------------------------------- lexicon
def cmd_lexicon(args) -> int:
    from filters.lexicon import checks

    if args.action in ("lint", "test") and not _is_category(args.category, args.action):
        return 2
    if args.action == "lint":
        return _lint(args.category, args.strict)
    if args.action == "test":
        return _test(args.category)
    if args.action == "explain":
        for line in checks.explain(" ".join(args.text), args.category):
            print(line)
        return 0
    if args.action == "sweep":
        return _sweep(args.category, args.check)
    if args.action == "diff":
        from filters.lexicon import diff
        if len(args.versions) > 2:
            print("dozor lexicon diff: give at most two versions, OLD and NEW", file=sys.stderr)
            return 2
        old, new = (args.versions + [None, None])[:2]
        return diff.main(old if old and not Path(old).is_dir() else args.against,
                         Path(old) if old and Path(old).is_dir() else args.old,
                         Path(new) if new and Path(new).is_dir() else args.new, args.corpus,
                         new_rev=new if new and not Path(new).is_dir() else None)
    if args.action == "reviews":
        return _reviews(args)
    if args.action == "keygen":
        from streams import lexicon_admin
        return lexicon_admin.keygen(args.out)
    if args.action in ("publish", "promote", "shadow-report", "status"):
        from streams import lexicon_admin
        return lexicon_admin.main(args, _bootstrap_or_exit(f"lexicon {args.action}"))
    return 2


def _reviews(args) -> int:
    from streams import review_report

    if args.replay or args.flags:
        path = args.replay or args.flags
        if not path.exists():
            print(f"dozor lexicon reviews: {path} not found", file=sys.stderr)
            return 2
        flags = _replayed_flags(path) if args.replay else _flags_in(path)
    else:
        flags = _flags_on_topic(_bootstrap_or_exit("lexicon reviews"))
        if flags is None:
            return 1
    for line in review_report.render(review_report.summarise(flags), args.limit or None):
        print(line)
    return 0


def _replayed_flags(path: Path) -> list[dict]:
    from streams.policy import Engine
    from streams.replay import replay

    with open(path, encoding="utf-8") as fh:
        return [f for fx in replay(fh, Engine(), on_error=lambda why: print(f"dozor lexicon reviews: {why}",
                                                                             file=sys.stderr)) for f in fx.flags]


def _flags_in(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                record = json.loads(line) if line.strip() else None
            except ValueError:
                print(f"dozor lexicon reviews: {path}:{lineno} is not JSON, skipped", file=sys.stderr)
                continue
            if isinstance(record, dict) and record.get("type", "flag") == "flag":
                out.append(record)
    return out


def _flags_on_topic(bootstrap: str) -> list[dict] | None:
    from kafka.errors import KafkaError

    from streams import topics
    from streams.broker import read_to_end

    try:
        values, _ = read_to_end(bootstrap, topics.FLAGS, timeout=120)
    except (KafkaError, TimeoutError, OSError) as err:
        print(f"dozor lexicon reviews: cannot read {topics.FLAGS} at {bootstrap}: {err!r}; is KAFKA_BOOTSTRAP "
              f"right and the broker up?", file=sys.stderr)
        return None
    out = []
    for raw in values:
        try:
            record = json.loads(raw)
        except (ValueError, TypeError):
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


def _is_category(category: str | None, action: str) -> bool:
    from filters.detectors.lexicon import CATEGORIES

    if category is None or category in CATEGORIES:
        return True
    print(f"dozor lexicon {action}: {category!r} is not a category; name one of {', '.join(CATEGORIES)}, "
          f"or none for all of them", file=sys.stderr)
    return False


def _lint(category: str | None, strict: bool) -> int:
    """file:line: level: text per problem, a count per category; 1 when a CI should stop."""
    from filters.detectors.lexicon import CATEGORIES
    from filters.lexicon import checks

    found = [(c, checks.lint(c)) for c in ([category] if category else CATEGORIES)]
    if category is None:
        found.insert(0, ("lexicons", checks.lint_tree()))     # folders no category reads
    failed = False
    for name, problems in found:
        for p in problems:
            print(p)
        errors = sum(p.level == "error" for p in problems)
        warnings = len(problems) - errors
        if problems or name != "lexicons":
            print(f"{name}: {errors} error(s), {warnings} warning(s)")
        failed = failed or errors > 0 or (strict and warnings > 0)
    return 1 if failed else 0


def _test(category: str | None) -> int:
    from filters.detectors.lexicon import CATEGORIES
    from filters.lexicon import checks
    from filters.ruleset import LexiconRefused, default

    try:
        results = checks.run_examples(category, default())
    except LexiconRefused as err:      # a table line it cannot read: say where, not a traceback
        print(f"dozor lexicon test: {err}", file=sys.stderr)
        return 1
    failed = [r for r in results if not r.ok]
    for r in failed:
        why = {"hit": "not caught", "miss": "caught but must not be",
               "review": "must be caught and left to a moderator" + (
                   ", but is acted on as certain" if r.flagged else ", and is not caught"),
               "known_miss": "now caught: turn '?' into '+'"}[r.kind]
        print(f"FAIL {r.id}: {why}")
    for name in [category] if category else CATEGORIES:
        mine = [r for r in results if r.entry.file.split("/")[0] == name]
        print(f"{name}: {sum(r.ok for r in mine)} of {len(mine)} examples pass")
    return 1 if failed else 0


def _sweep(category: str, check_only: bool) -> int:
    from filters import sweep
    from filters.lexicon.index import SWEPT
    from filters.paths import lexicon_root

    started = time.monotonic()
    print("reading every lemma of the pymorphy3 dictionary (about 5 million forms)…", file=sys.stderr)
    lemmas = sweep.dictionary_lemmas(
        progress=lambda n: print(f"  {n:,} forms read", file=sys.stderr))
    rows = sweep.sweep(category, lemmas)
    path = lexicon_root() / category / SWEPT
    fresh = sweep.render(rows)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    print(f"{len(lemmas):,} lemmas swept in {time.monotonic() - started:.1f}s: "
          f"{len(rows)} flagged", file=sys.stderr)
    if check_only:
        if fresh != old:
            print(f"{path} is out of date: run `dozor lexicon sweep {category}` and review the diff",
                  file=sys.stderr)
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    print(f"wrote {path}; review it with `git diff {path}`", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
