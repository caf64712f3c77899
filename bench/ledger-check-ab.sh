#!/usr/bin/env bash
# A/B of the two ledger balance checks on the same PostgreSQL in one run: N journals with 4 entries each, written
# set-based in one transaction, (a) per-journal deferred constraint trigger (one PL/pgSQL call per journal at commit),
# (b) one ledger batch row whose deferred trigger checks all journals of the batch set-based at commit.
# Uses the real functions of the Rewards migrations on a scratch database built by the host's migrations is not
# needed: the schema below copies the relevant parts. Usage: bench/ledger-check-ab.sh PORT [N]
set -euo pipefail
PORT=${1:?port}; N=${2:-100000}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
P() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
P -d postgres -c "DROP DATABASE IF EXISTS ledger_ab" -c "CREATE DATABASE ledger_ab"
cd "$(dirname "$0")/.."
{
  echo "CREATE SCHEMA rewards;"
  echo "CREATE TABLE rewards.journals (id uuid PRIMARY KEY, program_id uuid NOT NULL, memo text);"
  echo "CREATE TABLE rewards.journal_entries (id bigserial PRIMARY KEY, journal_id uuid NOT NULL REFERENCES rewards.journals(id), program_id uuid NOT NULL, account varchar(40) NOT NULL, owner_id uuid NOT NULL, currency char(3) NOT NULL, amount bigint NOT NULL);"
  echo "CREATE INDEX ON rewards.journal_entries (journal_id);"
  # The SQL of both migrations, less the account list (not needed here).
  python3 - <<'PY'
import re
for f in ["src/Modules/Rewards/BenefitProgram.Rewards/Persistence/LedgerSql.cs", "src/Modules/Rewards/BenefitProgram.Rewards/Persistence/LedgerBatchSql.cs"]:
    s = open(f).read()
    up = s[s.index('Up = """') + 8 : s.index('""";')]
    up = up.split("-- 4. Accounts")[0]
    print(up)
PY
} | P -d ledger_ab >/dev/null
run() { # $1 = a|b
  local batch_col= batch_val= pre=
  if [ "$1" = b ]; then pre="INSERT INTO rewards.ledger_batches (id) VALUES ('00000000-0000-0000-0000-00000000000$2');"; batch_col=", ledger_batch_id"; batch_val=", '00000000-0000-0000-0000-00000000000$2'"; fi
  P -d ledger_ab <<SQL
BEGIN;
$pre
CREATE TEMP TABLE s ON COMMIT DROP AS SELECT gen_random_uuid() AS id, gen_random_uuid() AS program_id, gen_random_uuid() AS member FROM generate_series(1, $N);
INSERT INTO rewards.journals (id, program_id, memo $batch_col) SELECT id, program_id, 'x' $batch_val FROM s;
INSERT INTO rewards.journal_entries (journal_id, program_id, account, owner_id, currency, amount)
SELECT s.id, s.program_id, v.a, s.member, 'EUR', v.amt FROM s CROSS JOIN LATERAL (VALUES ('m', 500), ('p', -300), ('c', -250), ('i', 50)) v(a, amt);
\timing on
COMMIT;
SQL
}
for i in 1 2; do
  echo "a (per-journal trigger), round $i: $(run a $i | grep -o 'Time: [0-9.]* ms')"
  echo "b (ledger batch check),  round $i: $(run b $i | grep -o 'Time: [0-9.]* ms')"
done
P -d postgres -c "DROP DATABASE ledger_ab"
