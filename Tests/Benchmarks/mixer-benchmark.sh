#!/usr/bin/env bash
# The mixer's cost per frame with 1, 4 and 16 sounds at once, in process
# (Tests/Benchmarks/MixerBenchmark: 10 s of N copies of the longest prompt,
# each decoded, resampled, gained, summed and limited, in 1024-frame
# periods): wall time per frame, median of 9 runs pinned to CPU 0, and the
# instructions per frame counted by valgrind's callgrind, which do not
# depend on what else the machine is doing. The instructions of a run with
# no sound (start-up, the bank, mixing silence) are taken from each count.
#
# Usage: Tests/Benchmarks/mixer-benchmark.sh
# Exit status: 0, or 2 on a setup error (a measurement only, no target).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install valgrind:valgrind
bench_require swift valgrind taskset
tmp=$(mktemp -d /tmp/stretchcue-mixer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build=(env STRETCHCUE_BENCH=1 swift build -c release --scratch-path .build-bench-mixer --product MixerBenchmark)
echo "bench: ${build[*]}" >&2
"${build[@]}" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 2; }
bin="$("${build[@]}" --show-bin-path)/MixerBenchmark"
bench_wait_until_quiet
echo "revision $(bench_revision), load $load_before"
taskset -c 0 "$bin" Sounds/voice 9
echo
echo "sounds  instructions per frame (callgrind), beyond the run with none"
frames=480000
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.$1" "$bin" Sounds/voice 1 "$1" >/dev/null 2>"$tmp/valgrind.$1" || {
        cat "$tmp/valgrind.$1" >&2
        exit 2
    }
    sed -n 's/^==[0-9]*== Collected : //p' "$tmp/valgrind.$1"
}
base=$(instructions 0)
for count in 1 4 16; do
    total=$(instructions "$count")
    awk -v t="$total" -v b="$base" -v f="$frames" -v n="$count" 'BEGIN { printf "%-7s %.0f\n", n, (t - b) / f }'
done
awk -v b="$base" -v f="$frames" 'BEGIN { printf "(none: %.0f per frame, start-up and the bank included)\n", b / f }'
