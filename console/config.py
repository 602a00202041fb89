"""Where the console keeps its data and secret, from the environment: the same DOZOR_DATA_DIR as
the rest of dozor (streams/settings.py), so `dozor run` and `dozor console` share it by default."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse


def data_dir() -> Path:
    return Path(os.environ.get("DOZOR_DATA_DIR") or Path.home() / ".local" / "share" / "dozor")


def secret_key(directory: Path) -> str:
    """A random key made on the first start and kept (mode 0600): never in the code, and stable
    across restarts so sessions survive them. DOZOR_CONSOLE_SECRET_KEY overrides (several hosts)."""
    given = os.environ.get("DOZOR_CONSOLE_SECRET_KEY")
    if given:
        return given
    path = directory / "console-secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # created with 0600 from the start: no moment when another user could read it
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def database(directory: Path) -> dict:
    """SQLite in the data dir, or PostgreSQL when DOZOR_CONSOLE_DATABASE_URL=postgresql://… is set."""
    url = os.environ.get("DOZOR_CONSOLE_DATABASE_URL")
    if not url:
        directory.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / "console.sqlite3"),
                # the ingest thread and the web threads write side by side: WAL and a wait, not "locked"
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DOZOR_CONSOLE_DATABASE_URL={url.split('@')[-1]!r}: only postgresql://user:password@"
                         f"host:port/dbname is understood (leave it unset for SQLite in the data dir)")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(u.path.lstrip("/")) or "dozor",
            "USER": unquote(u.username or ""), "PASSWORD": unquote(u.password or ""),
            "HOST": u.hostname or "", "PORT": str(u.port or ""), "CONN_MAX_AGE": 60}
