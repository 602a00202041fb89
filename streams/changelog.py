"""Table changes the agents wait for: a batch is acked only once its state is on the broker.

Kept apart from the app (streams/app.py builds the app, the agents wait here), so that the
app and its agents do not import each other.
"""
from __future__ import annotations

import asyncio

import faust


class Table(faust.Table):
    """A table whose changelog writes the agents wait for before their events are acked.

    Faust hands changelog records to its producer's buffer and commits input offsets on
    a timer without waiting for them: a worker killed in between restarts past events
    whose state never reached the changelog, so strikes and blocks roll back (seen in
    the SIGKILL test: a block one violation late). See `flush_changelog`."""

    def send_changelog(self, *args, **kwargs):
        fut = super().send_changelog(*args, **kwargs)
        self.app.dozor_changelog.append(fut)
        return fut


async def flush_changelog(app) -> None:
    """Wait until the broker has every table change made so far."""
    pending, app.dozor_changelog = app.dozor_changelog, []
    if pending:
        await asyncio.gather(*pending)
