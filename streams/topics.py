"""The contract's topics (§4), in one place; every topic is keyed by chat_id except
chat.roster, which is keyed by user_id (a person leaves a school, not a chat)."""
import os

MESSAGES = "chat.messages"
VIOLATIONS = "moderation.violations"
DECISIONS = "moderation.decisions"
FLAGS = "moderation.flags"
COMMANDS = "moderation.commands"
ROSTER = "chat.roster"
DEADLETTER = "moderation.deadletter"
TICKS = "dozor.ticks"          # internal: the clock, one record per partition per second
MEMBERSHIP = "dozor.membership"  # internal: roster events a chat must know (joins with roles, leaves), keyed by chat

# lexicon bundles, one partition, read whole by every worker; one topic per deployment
# (several schools' deployments on one cluster may each run their own lexicons)
LEXICONS = os.environ.get("DOZOR_LEXICON_TOPIC") or "dozor.lexicons"
SHADOW = "moderation.shadow"   # where a shadow candidate disagrees with the live lexicon

CONTRACT = (MESSAGES, VIOLATIONS, DECISIONS, FLAGS, COMMANDS, ROSTER, DEADLETTER, SHADOW)
ALL = CONTRACT + (TICKS, MEMBERSHIP)          # keyed topics, DOZOR_PARTITIONS each; LEXICONS has one partition
