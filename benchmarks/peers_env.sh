#!/usr/bin/env bash
# Build the virtualenv the peer libraries run in (see /work/shared/peers/README.md).
# The peers live in a venv of their own because they pull spaCy, scikit-learn and
# nltk with hard pins (check-swear needs scikit-learn==1.4.0, hence numpy<2) that
# must not leak into dozor's own environment.
#
#   bash benchmarks/peers_env.sh            # -> <repo>/.venv-peers
#   PEERS_VENV=/tmp/pv bash benchmarks/peers_env.sh
#
# Idempotent: if the venv already holds exactly the pinned versions it returns at
# once.  Needs only PyPI: slaviclean is run on spacy.blank("ru") (no spaCy model
# download) and check-swear's NLTK stop words come from shared/peers/nltk_data
# (peers.py sets NLTK_DATA itself).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PEERS_VENV:-$repo/.venv-peers}"
py="${PYTHON:-python3}"

# The four peers, plus the transitive packages that decide their results or
# their speed, pinned to the set measured on 2026-11-22 (Python 3.11).
pins=(
  check-swear==0.1.4 python-obscene-words-filter==0.1.6 slaviclean==0.1.1
  glin-profanity==4.1.0
  scikit-learn==1.4.0 joblib==1.3.2 numpy==1.26.4 scipy==1.17.1 nltk==3.10.4
  spacy==3.8.18 thinc==8.3.14 pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142
  pymorphy3-dicts-uk==2.4.1.1.1663094765 flexi-nlp-tools==0.6.0 pandas==2.2.3
  regex==2026.11.15
)

log() { echo "[peers_env] $*"; }
die() { echo "[peers_env] ERROR: $*" >&2; exit 1; }

# slaviclean and glin-profanity declare Requires-Python >=3.10.
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null ||
  die "$py is missing or older than 3.10; set PYTHON=/path/to/python3.10+ and re-run"

# Fast path: every pin already installed at the pinned version -> nothing to do.
have_pins() {
  [ -x "$venv/bin/python" ] || return 1
  "$venv/bin/python" - "${pins[@]}" <<'EOF' 2>/dev/null
import sys, importlib.metadata as md
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if md.version(name) != want:
        sys.exit(1)
EOF
}

if have_pins; then
  log "up to date: $venv already has ${#pins[@]} pinned packages (nothing installed)"
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  log "creating venv $venv with $("$py" --version 2>&1)"
  "$py" -m venv "$venv" ||
    die "python3 -m venv failed; on Debian install python3-venv (apt-get install python3-venv)"
else
  log "venv $venv exists but pins differ or are missing: (re)installing"
fi

log "pip install ${pins[*]} (about 40 s on 2 cores, ~700 MB)"
# This machine's pip config lists local index folders that may not exist; drop
# those harmless 'is ignored' warnings so real errors stay visible.
{ "$venv/bin/python" -m pip install --disable-pip-version-check -q "${pins[@]}" 2>&1; } |
  { grep -v 'is neither a file nor a directory' || true; } ||
  die "pip install failed (see above); check PyPI is reachable (pip config list) and re-run"

log "checking the peers import"
"$venv/bin/python" -c 'import check_swear, obscene_words_filter, slaviclean, glin_profanity, spacy' ||
  die "a peer does not import in $venv; delete it (rm -r $venv) and re-run"
have_pins || die "installed versions differ from the pins; delete $venv and re-run"
log "ready: $venv/bin/python $repo/benchmarks/peers_runner.py --help"
