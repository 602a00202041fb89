"""The contract's topics (§4), in one place; every topic is keyed by chat_id except
chat.roster, which is keyed by user_id (a person leaves a school, not a chat)."""
MESSAGES = "chat.messages"
VIOLATIONS = "moderation.violations"
DECISIONS = "moderation.decisions"
FLAGS = "moderation.flags"
COMMANDS = "moderation.commands"
ROSTER = "chat.roster"
DEADLETTER = "moderation.deadletter"
TICKS = "dozor.ticks"          # internal: the clock, one record per partition per second

CONTRACT = (MESSAGES, VIOLATIONS, DECISIONS, FLAGS, COMMANDS, ROSTER, DEADLETTER)
ALL = CONTRACT + (TICKS,)
