#!/usr/bin/env bash
# The accounts, topics and ACLs of docker-compose.yml's Kafka. Run by the `kafka-setup` service on
# the broker's own loopback (the ADMIN listener); safe to run again: every step is idempotent.
set -euo pipefail
BIN=/opt/kafka/bin
ADMIN=(--bootstrap-server localhost:9094)
PARTITIONS="${DOZOR_PARTITIONS:-12}"

account() {   # name password
  "$BIN/kafka-configs.sh" "${ADMIN[@]}" --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" >/dev/null
  echo "account $1 ready"
}

topic() {     # name partitions [config…]
  local name=$1 parts=$2; shift 2
  "$BIN/kafka-topics.sh" "${ADMIN[@]}" --create --if-not-exists --topic "$name" --partitions "$parts" \
    --replication-factor 1 "$@" >/dev/null
}

allow() {     # principal operation resource-args…
  local who=$1 op=$2; shift 2
  "$BIN/kafka-acls.sh" "${ADMIN[@]}" --add --allow-principal "User:$who" --operation "$op" "$@" >/dev/null
}

account gateway "$GATEWAY_PASSWORD"
account console "$CONSOLE_PASSWORD"
account dozor-worker "$WORKER_PASSWORD"
account maintainer "$MAINTAINER_PASSWORD"

for t in chat.messages chat.roster moderation.commands moderation.decisions moderation.violations \
         moderation.flags moderation.deadletter moderation.shadow dozor.ticks dozor.membership; do
  topic "$t" "$PARTITIONS"
done
topic dozor.lexicons 1 --config retention.ms=-1 --config retention.bytes=-1   # versions must outlive 7 days

# the gateway: what the chats say and who is in them; what to do about it
allow gateway Write --topic chat.messages --topic chat.roster
allow gateway Read --topic moderation.decisions
allow gateway Read --group gateway --resource-pattern-type prefixed

# the moderators' console and tools: their commands; what to look at (the console's consumer group is
# console-ingest, console/ingest.py)
# Write on moderation.decisions: the daily digest to the moderators (an action "notify", console/digest.py)
allow console Write --topic moderation.commands --topic moderation.decisions
allow console Read --topic moderation.flags --topic moderation.decisions --topic moderation.violations
allow console Read --group console --resource-pattern-type prefixed

# dozor's workers: read the chats and the commands, write the answers and their own topics
allow dozor-worker Read --topic chat.messages --topic chat.roster --topic moderation.commands
allow dozor-worker Write --topic chat.roster --topic moderation.decisions --topic moderation.violations \
  --topic moderation.flags --topic moderation.deadletter --topic moderation.shadow
allow dozor-worker All --topic dozor --resource-pattern-type prefixed        # dozor.*, table changelogs
allow dozor-worker All --group dozor --resource-pattern-type prefixed
allow dozor-worker IdempotentWrite --cluster
allow dozor-worker Describe --cluster

# the lexicon maintainers: publish versions, read the shadow comparison
allow maintainer Write --topic dozor.lexicons
allow maintainer Read --topic dozor.lexicons --topic moderation.shadow
echo "topics and ACLs ready"
