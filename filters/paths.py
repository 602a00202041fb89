"""Where the lexicons live: `lexicons/` beside the packages, or DOZOR_LEXICONS."""
from __future__ import annotations

import os
from pathlib import Path


def lexicon_root() -> Path:
    override = os.environ.get("DOZOR_LEXICONS")
    root = Path(override) if override else Path(__file__).resolve().parent.parent / "lexicons"
    if not root.is_dir():
        raise FileNotFoundError(
            f"lexicon folder {root} not found; set DOZOR_LEXICONS to the folder that holds "
            f"profanity/ and _charmaps/, or reinstall dozor")
    return root
