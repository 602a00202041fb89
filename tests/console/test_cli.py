"""`dozor console-user`: accounts only from the command line, never a default or weak password."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def dozor(tmp_path, *args, stdin=""):
    env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DOZOR_CONSOLE_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120, input=stdin)


CASES = [
    # (what, password, exit status, said)
    ("a good password", "длинный пароль модератора", 0, "создана учётная запись teacher"),
    ("too short", "короткий", 2, "пароль не подходит"),
    ("a common one", "password123", 2, "пароль не подходит"),
]


@pytest.mark.parametrize("what,password,status,said", CASES, ids=[c[0] for c in CASES])
def test_an_account_is_made_from_a_password_file(tmp_path, what, password, status, said):
    secret = tmp_path / "pw"
    secret.write_text(password + "\n", encoding="utf-8")
    done = dozor(tmp_path, "console-user", "add", "teacher", "--user-id", "t-7", "--chats", "c-1,c-2",
                 "--password-file", str(secret))
    assert done.returncode == status and said in done.stderr, done.stderr
    listed = dozor(tmp_path, "console-user", "list").stdout
    assert ("teacher\tt-7\tc-1,c-2" in listed) == (status == 0)
    key = tmp_path / "data" / "console-secret.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_second_account_of_the_same_login_is_refused(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("длинный пароль модератора", encoding="utf-8")
    args = ("console-user", "add", "teacher", "--user-id", "t-7", "--chats", "c-1", "--password-file", str(secret))
    assert dozor(tmp_path, *args).returncode == 0
    again = dozor(tmp_path, *args)
    assert again.returncode == 2 and "уже есть" in again.stderr
