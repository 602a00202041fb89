"""Storage on SQLite (in-process) and on a real PostgreSQL server (a child process, started by the
fixture when the PostgreSQL binaries are installed)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.console import storage_checks

REPO = Path(__file__).resolve().parents[2]


def test_storage_on_sqlite(db):
    from django.db import connection

    assert connection.vendor == "sqlite"
    storage_checks.exercise()


def test_the_secret_key_is_made_once_and_private(tmp_path, monkeypatch):
    from console import config

    monkeypatch.delenv("DOZOR_CONSOLE_SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first and len(first) >= 50
    assert (tmp_path / "console-secret.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("url,expected", [
    ("postgresql://dozor:p%40ss@db.local:5433/console",
     {"ENGINE": "django.db.backends.postgresql", "NAME": "console", "USER": "dozor", "PASSWORD": "p@ss",
      "HOST": "db.local", "PORT": "5433"}),
    ("postgres://u@/dozor", {"NAME": "dozor", "USER": "u", "HOST": "", "PORT": ""}),
])
def test_the_database_url(url, expected, tmp_path, monkeypatch):
    from console import config

    monkeypatch.setenv("DOZOR_CONSOLE_DATABASE_URL", url)
    got = config.database(tmp_path)
    assert {k: got[k] for k in expected} == expected


def test_a_database_url_of_another_kind_is_refused_saying_what_to_do(tmp_path, monkeypatch):
    from console import config

    monkeypatch.setenv("DOZOR_CONSOLE_DATABASE_URL", "mysql://u:secret@h/db")
    with pytest.raises(ValueError, match="only postgresql://") as err:
        config.database(tmp_path)
    assert "secret" not in str(err.value)


def _pg_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on loopback; as root it runs as `nobody` (postgres refuses root)."""
    binaries = _pg_bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl; Debian: apt-get install -y postgresql)")
    root = Path(tempfile.mkdtemp(prefix="dozor-pg-"))
    data, port = root / "data", _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root and no runuser to start PostgreSQL as another user")
        shutil.chown(root, "nobody")
        root.chmod(0o700)
        as_user = ["runuser", "-u", "nobody", "--"]
    run = lambda *cmd: subprocess.run(as_user + [str(c) for c in cmd], check=True, capture_output=True,  # noqa: E731
                                      cwd=root)
    try:
        run(binaries / "initdb", "-D", data, "-U", "dozor", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        run(binaries / "pg_ctl", "-D", data, "-l", root / "log", "-w", "-t", "60", "-o",
            f"-h 127.0.0.1 -p {port} -k {root} -F", "start")
    except subprocess.CalledProcessError as err:
        pytest.fail(f"PostgreSQL did not start: {err.stderr.decode(errors='replace')[-1500:]}")
    try:
        run(binaries / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "dozor", "console")
        yield f"postgresql://dozor@127.0.0.1:{port}/console"
    finally:
        subprocess.run(as_user + [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


def test_storage_on_postgresql(postgres, tmp_path):
    env = {**os.environ, "DOZOR_CONSOLE_DATABASE_URL": postgres, "DOZOR_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "console.settings", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "tests.console.storage_checks"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "storage checks passed on postgresql" in done.stdout
    assert not (tmp_path / "console.sqlite3").exists()        # it really was not SQLite


def test_the_migrations_are_up_to_date(db):
    from django.core.management import call_command

    call_command("makemigrations", "console", "--check", "--dry-run", verbosity=0)   # SystemExit(1) if not


def test_a_record_the_database_refuses_is_skipped_and_the_rest_of_its_batch_stored(db, monkeypatch):
    import json

    from django.db import DataError

    from console import ingest
    from console.models import Flag

    real = ingest.store_batch

    def refusing(batch):
        if any(b"poison" in raw for _, raw, _ in batch):
            raise DataError("value too long for type character varying")
        return real(batch)

    monkeypatch.setattr(ingest, "store_batch", refusing)
    batch = [("moderation.flags", json.dumps({"flag_id": f"f-{i}", "kind": "finding", "chat_id": "c",
                                              "text": "poison" if i == 1 else "ok"}).encode(), f"0:{i}")
             for i in range(3)]
    assert ingest._store_all(batch) == ["stored", "skipped", "stored"]
    assert sorted(Flag.objects.values_list("flag_id", flat=True)) == ["f-0", "f-2"]
