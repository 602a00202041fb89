"""How dozor's clients sign in to Kafka: SASL/SCRAM over the cluster's listener, or nothing.

With ACLs on the cluster (docker-compose.yml), only the gateway writes `chat.messages` and
`chat.roster`, only the moderators' tools write `moderation.commands`, only workers write dozor's
own topics: each signs in with its own account. Every Kafka client dozor makes (the Faust app, the
tools' producers, consumers and admin clients) takes its options from here, so one set of
variables configures them all:

| variable | meaning |
|---|---|
| KAFKA_SECURITY_PROTOCOL | PLAINTEXT (default), SASL_PLAINTEXT or SASL_SSL |
| KAFKA_SASL_MECHANISM | SCRAM-SHA-512 (default with SASL), SCRAM-SHA-256 or PLAIN |
| KAFKA_SASL_USERNAME | the account |
| KAFKA_SASL_PASSWORD_FILE | a file holding its password (or KAFKA_SASL_PASSWORD itself: avoid in process lists) |
"""
from __future__ import annotations

import os
from pathlib import Path

PROTOCOLS = ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")


class AuthError(ValueError):
    """The sign-in settings cannot work: the message says which variable to fix."""


def settings(env=None) -> dict:
    """{protocol, mechanism, username, password}; protocol PLAINTEXT when nothing is set."""
    env = os.environ if env is None else env
    protocol = env.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper()
    if protocol not in PROTOCOLS:
        raise AuthError(f"KAFKA_SECURITY_PROTOCOL={protocol!r}: use one of {', '.join(PROTOCOLS)}")
    if protocol == "PLAINTEXT":
        return {"protocol": protocol}
    mechanism = env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512").upper()
    if mechanism not in MECHANISMS:
        raise AuthError(f"KAFKA_SASL_MECHANISM={mechanism!r}: use one of {', '.join(MECHANISMS)}")
    user = env.get("KAFKA_SASL_USERNAME")
    password = env.get("KAFKA_SASL_PASSWORD")
    if env.get("KAFKA_SASL_PASSWORD_FILE"):
        try:
            password = Path(env["KAFKA_SASL_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise AuthError(f"KAFKA_SASL_PASSWORD_FILE: cannot read it ({err})") from None
    if not user or not password:
        raise AuthError(f"{protocol} needs KAFKA_SASL_USERNAME and a password (KAFKA_SASL_PASSWORD_FILE): "
                        f"the account this process signs in with")
    return {"protocol": protocol, "mechanism": mechanism, "username": user, "password": password}


def client_options(env=None) -> dict:
    """Keyword arguments for kafka-python and aiokafka clients (the same names in both)."""
    s = settings(env)
    if s["protocol"] == "PLAINTEXT":
        return {}
    options = {"security_protocol": s["protocol"], "sasl_mechanism": s["mechanism"],
               "sasl_plain_username": s["username"], "sasl_plain_password": s["password"]}
    if s["protocol"] == "SASL_SSL":
        import ssl
        options["ssl_context"] = ssl.create_default_context()
    return options


def faust_credentials(env=None):
    """Faust's `broker_credentials` for the same account, or None."""
    s = settings(env)
    if s["protocol"] == "PLAINTEXT":
        return None
    import faust

    ssl_context = None
    if s["protocol"] == "SASL_SSL":
        import ssl
        ssl_context = ssl.create_default_context()
    if s["mechanism"] == "PLAIN":
        return faust.SASLCredentials(username=s["username"], password=s["password"], ssl_context=ssl_context)
    from faust.types.auth import SASLMechanism

    mechanism = SASLMechanism.SCRAM_SHA_512 if s["mechanism"] == "SCRAM-SHA-512" else SASLMechanism.SCRAM_SHA_256
    return faust.SASLCredentials(username=s["username"], password=s["password"], mechanism=mechanism,
                                 ssl_context=ssl_context)
