"""`dozor console`: migrate the database, start the ingest thread, serve the site, and beside them
/metrics on a port of its own (console/metrics.py) and the daily digest (console/digest.py).
`dozor console digest` sends today's digest once and exits.

The web server is Django's threaded WSGI server bound to loopback by default: enough for one
school's moderators, and behind an https reverse proxy when reached from elsewhere (or serve
console.wsgi:application with gunicorn/waitress and run `dozor console --ingest-only` beside it)."""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass

DEFAULT_PORT = 8077


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@dataclass
class Console:
    url: str | None
    server: object | None
    ingest: object | None
    metrics_url: str | None = None
    digest: object | None = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.ingest is not None:
            self.ingest.stop()
        if self.digest is not None:
            self.digest.stop()
        from . import runtime
        runtime.set_bootstrap(None)          # closes the commands' producer


def metrics_address() -> tuple[str, int] | None:
    """DOZOR_CONSOLE_METRICS_HOST (127.0.0.1) and DOZOR_CONSOLE_METRICS_PORT (unset: no metrics)."""
    port = os.environ.get("DOZOR_CONSOLE_METRICS_PORT", "").strip()
    if not port:
        return None
    if not port.isdigit():
        raise ValueError(f"DOZOR_CONSOLE_METRICS_PORT={port!r}: a port number (0 picks a free one), or unset")
    return os.environ.get("DOZOR_CONSOLE_METRICS_HOST", "127.0.0.1"), int(port)


def start(bootstrap: str | None, host: str = "127.0.0.1", port: int = DEFAULT_PORT, web: bool = True,
          ingest: bool = True, metrics: tuple[str, int] | None = None, digest: bool = False) -> Console:
    """Everything in background threads; returns at once. Port 0: a free one. `metrics`: where to
    serve /metrics (console/metrics.py); `digest`: run the daily digest (console/digest.py) — only
    the `dozor console`/`dozor run` processes, so tests and a WSGI host never send one unasked."""
    setup()
    migrate()
    from . import runtime
    from .ingest import Ingest

    at_hour = None
    if digest and bootstrap and ingest:
        from . import digest as daily
        at_hour = daily.hour()              # a wrong DOZOR_DIGEST_HOUR stops the start, saying so
    metrics_url = None
    if metrics is not None:
        from . import metrics as console_metrics
        bound = console_metrics.serve(*metrics)
        metrics_url = f"http://{bound[0]}:{bound[1]}/metrics"

    runtime.set_bootstrap(bootstrap)
    server, url = None, None
    if web:
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        server = ThreadedWSGIServer((host, port), WSGIRequestHandler, ipv6=":" in host)
        server.set_app(WSGIHandler())
        server.daemon_threads = True
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.server_address[1]}/"
        threading.Thread(target=server.serve_forever, name="console-web", daemon=True).start()
        runtime.set_url(url)                 # the digest's link, unless DOZOR_CONSOLE_URL says otherwise
    reader = None                    # after the port is bound: a taken port starts no second reader
    if ingest and bootstrap:
        reader = Ingest(bootstrap)
        reader.start()
    thread = None
    if at_hour is not None:
        from .digest import Daily
        thread = Daily(at_hour)
        thread.start()
    return Console(url, server, reader, metrics_url, thread)


def main(args) -> int:
    """The `dozor console` subcommand (streams/cli.py parses the arguments)."""
    from . import runtime

    if getattr(args, "action", "serve") == "digest":
        return digest_command(args)
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        print("dozor console: KAFKA_BOOTSTRAP не задан: консоль покажет то, что уже сохранено, но не получит "
              "новых записей и не сможет отправлять команды (`dozor run` запускает консоль сам)",
              file=sys.stderr)
    try:
        console = start(bootstrap, args.host, args.port, web=not args.ingest_only, metrics=metrics_address(),
                        digest=True)
    except OSError as err:
        print(f"dozor console: не удалось занять {args.host}:{args.port}: {err}; укажите другой --port",
              file=sys.stderr)
        return 1
    except ValueError as err:           # a settings problem (DOZOR_CONSOLE_DATABASE_URL…)
        print(f"dozor console: {err}", file=sys.stderr)
        return 2
    from django.conf import settings

    print(f"dozor console: {'only reading the topics into' if args.ingest_only else 'serving ' + console.url + ', data in'} "
          f"{settings.DATABASES['default']['NAME']} (Ctrl-C stops)", file=sys.stderr, flush=True)
    if console.metrics_url:
        print(f"dozor console: metrics at {console.metrics_url}", file=sys.stderr, flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not settings.SECURE:
        print("dozor console: WARNING serving beyond loopback without DOZOR_CONSOLE_SECURE=1: put it behind an "
              "https proxy, passwords must not cross a network in clear; name the host it is reached by in "
              "DOZOR_CONSOLE_HOSTS (requests for other names are refused)", file=sys.stderr)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        console.stop()
        runtime.set_bootstrap(None)
    return 0


def digest_command(args) -> int:
    """`dozor console digest [--at TIME]`: today's digests, once, now."""
    from datetime import datetime, timezone

    from . import runtime

    if not runtime.bootstrap():
        print("dozor console digest: KAFKA_BOOTSTRAP не задан: сводку некуда отправить (укажите адрес брокера)",
              file=sys.stderr)
        return 2
    try:
        now = datetime.fromisoformat(args.at) if args.at else datetime.now(timezone.utc)
    except ValueError:
        print(f"dozor console digest: --at {args.at!r}: нужно время ISO 8601 со смещением, например "
              f"2026-11-18T08:00:00+03:00", file=sys.stderr)
        return 2
    if now.tzinfo is None:
        print("dozor console digest: --at без смещения неоднозначно: добавьте его (+03:00)", file=sys.stderr)
        return 2
    setup()
    migrate()
    from . import digest

    try:
        sent = digest.send_all(now)
    except digest.DigestError as err:
        print(f"dozor console digest: {err}", file=sys.stderr)
        return 1
    finally:
        runtime.set_bootstrap(None)          # closes the producer: every record is flushed
    for record in sent:
        print(f"{record['decision_id']}\t{','.join(record['recipients'])}\t{record['counts']['waiting']} ждут, "
              f"срочных {record['counts']['urgent']}")
    print(f"dozor console digest: отправлено сводок: {len(sent)}", file=sys.stderr)
    return 0


def user_command(args) -> int:
    """`dozor console-user add | password | list`."""
    import getpass

    setup()
    migrate()
    from . import accounts

    def password() -> str:
        if args.password_file:
            return args.password_file.read_text(encoding="utf-8").strip()
        first = getpass.getpass("Пароль (не короче 10 символов): ")
        if getpass.getpass("Ещё раз: ") != first:
            raise accounts.AccountError("пароли не совпали")
        return first

    try:
        if args.action == "list":
            for line in accounts.listing():
                print(line)
            return 0
        if args.action == "add":
            mod = accounts.add(args.login, args.user_id, args.chats or "", password())
            print(f"создана учётная запись {args.login}: в мессенджере {mod.messenger_user_id}, чаты "
                  f"{', '.join(mod.chats)}", file=sys.stderr)
            return 0
        accounts.set_password(args.login, password())
        print(f"пароль {args.login} изменён", file=sys.stderr)
        return 0
    except (accounts.AccountError, OSError) as err:
        print(f"dozor console-user: {err}", file=sys.stderr)
        return 2
