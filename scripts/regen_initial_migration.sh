#!/usr/bin/env bash
# Regenerates migrations/0001_initial.py from the models (allowed only until the first release:
# after that, every model change gets its own `uv run tortoise makemigrations --name ...`).
set -euo pipefail
cd "$(dirname "$0")/.."
db="ch_makemig_$$"
server="${CH_DATABASE_URL_SERVER:-postgres://postgres@127.0.0.1:5432}"
psql "$server/postgres" -qc "CREATE DATABASE $db" >/dev/null
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
rm -f migrations/0001_initial.py
CH_DATABASE_URL="$server/$db" uv run tortoise makemigrations
