"""The gate (filters/ruleset.py) in a child process, under a time limit: a worker never hangs on a version.

Lint refuses the roots it knows to be slow and the matcher cuts every root off in time,
but a version whose checking never finishes — a rule nobody has thought of, a huge
example — must not keep a worker from starting or from applying the next version. A
thread cannot be stopped from outside; a process can. The child tells the parent each
example before it judges it, so a version given up on is refused with the file:line of
the example it was stuck on.

    python -m filters.lexicon.isolated FOLDER      # one JSON object a line on stdout
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from .checks import Problem

_ROOT = Path(__file__).resolve().parents[2]      # the folder holding filters/: what the child imports


def gate_in_child(folder: Path, limit: float) -> list[Problem]:
    """The gate's problems with the version in `folder`, or one problem saying it took over `limit` s."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, "-m", "filters.lexicon.isolated", str(folder)], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8", errors="replace")
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda s=s, into=into: into.extend(s), daemon=True)
               for s, into in ((child.stdout, out), (child.stderr, err))]
    for r in readers:
        r.start()
    try:
        child.wait(limit)
        timed_out = False
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        timed_out = True
    for r in readers:
        r.join(5)
    if timed_out:
        where = next((json.loads(line)["at"] for line in reversed(out) if line.startswith('{"at"')), None)
        what = f"stuck on the example at {where}" if where else "stuck before its first example"
        return [Problem("error", where or str(folder),
                        f"checking this version took more than {limit:g} s ({what}) and was given up: a "
                        f"rule of it is too slow on that text; run `dozor lexicon lint` and `dozor lexicon "
                        f"test` on it (DOZOR_LEXICON_CHECK_SECONDS sets the limit)")]
    result = next((json.loads(line) for line in reversed(out) if line.startswith('{"problems"')), None)
    if result is None:
        tail = "".join(err).strip()[-800:] or "no output"
        return [Problem("error", str(folder), f"checking this version failed (exit status {child.returncode}): "
                                              f"{tail}")]
    return [Problem(*p) for p in result["problems"]]


def main(argv: list[str]) -> int:
    from ..ruleset import LexiconRefused, gate, load

    def say(**what) -> None:
        print(json.dumps(what, ensure_ascii=False), flush=True)

    try:
        ruleset = load(Path(argv[0]))
    except LexiconRefused as err:
        say(problems=[[p.level, p.where, p.text] for p in err.problems])
        return 0
    say(problems=[[p.level, p.where, p.text] for p in gate(ruleset, before=lambda where: say(at=where))])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
