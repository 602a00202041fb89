"""`dozor lexicon diff`: what an edit to the lexicons changes, before it ships.

Two versions of lexicons/ (the working tree and a git revision, or two folders) are
each loaded in a process of their own (DOZOR_LEXICONS points there), run over the
dictionary sweep and a sample corpus, and compared: dictionary words that start or
stop being flagged, and corpus lines whose categories change.

    python -m filters.lexicon.diff evaluate < texts.json   # one version: prints JSON
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from ..paths import lexicon_root

CATEGORIES = ("profanity", "insult", "threat", "hate", "flood", "offtopic", "personal_data")


def evaluate(texts: list[str]) -> dict:
    """Run in the process whose DOZOR_LEXICONS is the version to measure."""
    from .. import sweep
    from ..model import Message
    from ..ruleset import load

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    from .index import load_files

    lemmas = sweep.dictionary_lemmas()
    swept = {}
    for c in CATEGORIES:
        if (lexicon_root() / c).is_dir():
            listed = {e.value for f in load_files(lexicon_root() / c) for e in f.entries
                      if e.kind == "lemma" and e.category == c}
            swept[c] = sorted(listed | {row[0] for row in sweep.sweep(c, lemmas)})
    # a category and how sure: «insult (likely) → insult (certain)» is a decision too (acted on alone).
    # The word lists' verdicts: what the learned model makes of a line is not the edit's doing
    lists = load(second_opinion=False)
    verdicts = [sorted({f"{v.category} ({v.certainty})" for v in
                        lists.check(Message("d", "diff", "u", now, t or " ")).violations}) for t in texts]
    return {"swept": swept, "verdicts": verdicts}


def export(revision: str, repo: Path, into: Path, path: str = "lexicons") -> Path:
    """The lexicons folder (`path` inside the git work tree `repo`) as it is at a revision."""
    try:
        data = subprocess.run(["git", "-C", str(repo), "archive", revision, path],
                              check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        detail = err.stderr.decode(errors="replace").strip() if hasattr(err, "stderr") and err.stderr else err
        raise SystemExit(f"dozor lexicon diff: git cannot export {path}/ at {revision!r}: {detail}; "
                         f"compare two folders with --old DIR --new DIR instead") from None
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / path


def work_tree(folder: Path) -> tuple[Path, str]:
    """The git work tree holding `folder` and the folder's path inside it: the maintainer's
    clone, wherever DOZOR_LEXICONS points (the code's own repo otherwise)."""
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return Path(__file__).resolve().parents[2], "lexicons"
    return Path(top), folder.resolve().relative_to(Path(top).resolve()).as_posix()


def measure(folder: Path, texts: list[str]) -> dict:
    env = {**os.environ, "DOZOR_LEXICONS": str(folder)}
    out = subprocess.run([sys.executable, "-m", "filters.lexicon.diff", "evaluate"], input=json.dumps(texts),
                         capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[2])
    if out.returncode:
        raise SystemExit(f"dozor lexicon diff: the lexicons in {folder} do not load:\n{out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout)


def corpus(extra: Path | None, folders: list[Path]) -> list[str]:
    """The sample corpus: the bundled chat, every example of both versions, an optional file of lines."""
    from .format import parse

    texts = []
    sample = Path(__file__).resolve().parents[2] / "examples" / "parents-chat.jsonl"
    if sample.exists():
        texts += [json.loads(l)["text"] for l in sample.read_text(encoding="utf-8").splitlines() if l.strip()]
    for path in sorted(p for folder in folders for p in folder.glob("*/*.txt")):
        try:
            texts += [ex.text for e in parse(path).entries for ex in e.examples]
        except ValueError:
            pass                      # a broken file is lint's to report
    if extra:
        for line in extra.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                texts.append(json.loads(line).get("text", "") if line.startswith("{") else line)
    return list(dict.fromkeys(texts))


def diff(old: dict, new: dict, texts: list[str]) -> list[str]:
    lines = []
    for cat in sorted(set(old["swept"]) | set(new["swept"])):
        a, b = set(old["swept"].get(cat, ())), set(new["swept"].get(cat, ()))
        for word in sorted(b - a):
            lines.append(f"+ {cat}: «{word}» (every form) is now flagged")
        for word in sorted(a - b):
            lines.append(f"- {cat}: «{word}» (every form) is no longer flagged")
    for text, a, b in zip(texts, old["verdicts"], new["verdicts"]):
        if a != b:
            lines.append(f"~ «{text[:80]}»: {', '.join(a) or 'clean'} → {', '.join(b) or 'clean'}")
    return lines


def main(against: str = "HEAD", old_dir: Path | None = None, new_dir: Path | None = None,
         extra: Path | None = None, new_rev: str | None = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        new_folder = new_dir or lexicon_root()
        repo, path = work_tree(new_dir or lexicon_root())
        if new_rev:
            new_folder = export(new_rev, repo, Path(tmp) / "new", path)
        old_folder = old_dir or export(against, repo, Path(tmp) / "old", path)
        texts = corpus(extra, [old_folder, new_folder])
        print(f"comparing lexicons over the pymorphy3 dictionary and {len(texts):,} sample lines…",
              file=sys.stderr)
        changes = diff(measure(old_folder, texts), measure(new_folder, texts), texts)
    for line in changes:
        print(line)
    print(f"{len(changes)} change(s) between {old_dir or against} and {new_dir or new_rev or 'the working tree'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["evaluate"]:
    print(json.dumps(evaluate(json.load(sys.stdin)), ensure_ascii=False))
