"""dozor's broker-free core: `check(message) -> Verdict`. Nothing here imports Kafka."""
from .model import Message, MessageError, Verdict
from .ruleset import check, detectors

__all__ = ["check", "detectors", "Message", "MessageError", "Verdict"]
