#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) from seed corpora made of
# the repository's fixtures. Needs the nightly toolchain and cargo-fuzz
# (`cargo +nightly install cargo-fuzz`). Prints each target's figures; a
# crash fails the run and leaves its input under fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
rm -rf corpus
mkdir -p corpus/scan_tsql corpus/read_inventory corpus/connection_string
n=0
while IFS= read -r -d '' file; do
  n=$((n + 1)); cp "$file" "corpus/scan_tsql/seed-$n.sql"
done < <(find ../fixtures -name '*.sql' -print0)
while IFS= read -r -d '' file; do
  n=$((n + 1)); cp "$file" "corpus/read_inventory/seed-$n.json"
done < <(find ../fixtures -name '*.inventory.json' -print0)
printf 'Server=sql01\\PROD,1533;User Id=audit;Encrypt=true' > corpus/connection_string/seed-1
printf "Server=h,1;User Id=u;Application Name={a;b};Password='x''y'" > corpus/connection_string/seed-2
printf 'sql02\\REPORTS' > corpus/connection_string/seed-3
for target in scan_tsql read_inventory connection_string; do
  log="$(mktemp)"
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || {
    tail -40 "$log"
    echo "fuzz $target: FAILED (see fuzz/artifacts/$target)"
    exit 1
  }
  runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz $target: ${seconds} s, ${runs} executions, 0 crashes, $(ls "corpus/$target" | wc -l) corpus entries"
done
