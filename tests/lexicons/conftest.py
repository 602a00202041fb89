"""What the lexicon tests share: a signing key, and a copy of the shipped lexicons to edit."""
from __future__ import annotations

import shutil

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from filters.paths import lexicon_root


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), folder, ignore=shutil.ignore_patterns("_charmaps", "README.md"))
    return folder
