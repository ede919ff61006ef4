#!/usr/bin/env bash
# Start-up: wall time of the short commands a person or a script runs, in a
# release build, with hyperfine (median of 20 runs after 3 warm-ups, pinned
# to CPU 0): `--help`, `plan`, `plan --json`, `packs list`, and `packs
# check` of the default pack (every file read and measured: 110 files).
# Target: plan under 50 ms. (Exec to the first frame written is measured by
# play-vs-aplay.sh.)
#
# Usage: Tests/Benchmarks/startup.sh
# Exit status: 0 the target met, 1 missed, 2 a setup error.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install hyperfine:hyperfine
bench_require hyperfine python3 swift taskset
tmp=$(mktemp -d /tmp/stretchcue-startup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bench_build
bench_wait_until_quiet
echo "revision $(bench_revision), $(nproc) cores, load $load_before"
commands=("--help" "plan" "plan --json" "packs list" "packs check default")
runs=()
for command in "${commands[@]}"; do runs+=("taskset -c 0 $bin $command"); done
hyperfine -N --warmup 3 --runs 20 --export-json "$tmp/times.json" "${runs[@]}" >/dev/null 2>"$tmp/stderr" || {
    cat "$tmp/stderr" >&2
    exit 2
}
python3 - "$tmp/times.json" <<'PY' | tee "$tmp/table"
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    command = result["command"].split("stretchcue ", 1)[1]
    times = sorted(result["times"])
    print(f"{command:<24} median {result['median'] * 1000:8.1f} ms   best {times[0] * 1000:8.1f} ms   worst {times[-1] * 1000:8.1f} ms")
PY
plan=$(awk '$1 == "plan" && $2 == "median" { print $3 }' "$tmp/table")
[[ -n $plan ]] || { echo "bench: hyperfine measured nothing" >&2; exit 2; }
check "plan, median wall" "$plan" "<" 50 ms
bench_verdict
