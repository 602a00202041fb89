"""`dozor console`: migrate the database, start the ingest thread, serve the site.

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

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.ingest is not None:
            self.ingest.stop()
        from . import runtime
        runtime.set_bootstrap(None)          # closes the commands' producer


def start(bootstrap: str | None, host: str = "127.0.0.1", port: int = DEFAULT_PORT, web: bool = True,
          ingest: bool = True) -> Console:
    """Everything in background threads; returns at once. Port 0: a free one."""
    setup()
    migrate()
    from . import runtime
    from .ingest import Ingest

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
    reader = None                    # after the port is bound: a taken port starts no second reader
    if ingest and bootstrap:
        reader = Ingest(bootstrap)
        reader.start()
    return Console(url, server, reader)


def main(args) -> int:
    """The `dozor console` subcommand (streams/cli.py parses the arguments)."""
    from . import runtime

    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        print("dozor console: KAFKA_BOOTSTRAP не задан: консоль покажет то, что уже сохранено, но не получит "
              "новых записей и не сможет отправлять команды (`dozor run` запускает консоль сам)",
              file=sys.stderr)
    try:
        console = start(bootstrap, args.host, args.port, web=not args.ingest_only)
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
