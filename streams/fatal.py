"""Stopping when going on would lose records: at once, loudly, with nothing committed.

Faust commits the offsets of events its agents have moved past, on a timer and when it stops;
an agent that cannot deliver its answers must therefore not move on, nor stop politely (a polite
stop commits). Exiting the process here is what a SIGKILL does, and that path is tested: the
records are read again on restart and decide the same, with the same ids.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time

log = logging.getLogger("dozor")
EXIT_UNDELIVERABLE = 75        # EX_TEMPFAIL: try again later (a supervisor restarts the worker)


def stop_without_committing(reason: str) -> None:
    message = (f"dozor: STOPPING without committing: {reason}. Nothing was skipped: the records of this "
               f"batch will be read again when the worker restarts, and decide the same (same ids). Is the "
               f"broker reachable?")
    log.critical(message)
    print(message, file=sys.stderr, flush=True)
    os._exit(EXIT_UNDELIVERABLE)


def watchdog(seconds: float, what: str) -> None:
    """After a stop signal: give the worker `seconds` to stop, then end the process and say what
    was left (a worker whose broker is gone would otherwise ignore SIGTERM for as long as it retries)."""
    def guard():
        time.sleep(seconds)
        print(f"dozor: did not stop within {seconds:.0f} s ({what}); exiting now. Offsets not committed "
              f"since the last batch will be read again on restart: decisions are idempotent.",
              file=sys.stderr, flush=True)
        os._exit(1)

    threading.Thread(target=guard, name="dozor-stop-watchdog", daemon=True).start()
