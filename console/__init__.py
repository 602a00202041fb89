"""The moderators' console (issue 12): a Django site over what dozor flags and decides.

One settings module (console.settings), one app (console itself): models.py stores what the
ingest (ingest.py) reads from moderation.flags / decisions / violations, views.py shows it and
sends moderators' confirm/dismiss to moderation.commands (commands.py), server.py runs it all
under `dozor console`.
"""
