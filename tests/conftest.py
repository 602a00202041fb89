"""Shared fixtures: the compiled profanity detector, and ../shared/ when it is there."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from filters.detectors.base import Doc
from filters.model import Message

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def use_registry(tmp_path, monkeypatch):
    """use_registry(toml): the chat registry (DOZOR_CHATS) for this test only."""
    from filters import registry

    def use(text: str) -> None:
        path = tmp_path / "chats.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("DOZOR_CHATS", str(path))
        registry.load.cache_clear()

    yield use
    monkeypatch.delenv("DOZOR_CHATS", raising=False)
    registry.load.cache_clear()


@pytest.fixture(scope="session")
def profanity():
    from filters.ruleset import default

    return next(d for d in default().detectors if d.category == "profanity")


def message(text: str, mid: str = "t-1") -> Message:
    return Message(mid, "test-chat", "u-1", datetime(2026, 11, 18, 12, tzinfo=timezone.utc), text)


def flags(detector, text: str):
    """The violation `detector` finds in `text`, or None."""
    return detector(Doc(message(text)))


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared datasets live beside the repo, in ../shared")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
