#!/usr/bin/env bash
# Runs the benchmarks, one after the other, each in its own private sound
# server where it needs one. Their figures go into Tests/Benchmarks/BENCHMARKS.md
# by hand, with the machine, commit and date.
#
#   Tests/Benchmarks/run.sh --quick   # about 3 minutes after the build: render
#                                     # and plan, start-up; CI runs this one
#   Tests/Benchmarks/run.sh --full    # about 2 hours 45 minutes: the quick ones,
#                                     # the mixer in process and under callgrind,
#                                     # play against aplay (30 min), the box
#                                     # idle, timing against a naive scheduler
#                                     # (6 min), the soak (65 min), fuzzing
#                                     # (60 s a harness), both sanitizers
#
# Exit status: 2 if a benchmark could not run (a build or setup error).
# --full also exits 1 when a target was missed; --quick only reports a
# missed target (CI machines are shared and noisy: targets are judged on a
# quiet machine, in the full run).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mode=${1:-}
case $mode in
--quick)
    benchmarks=("Tests/Benchmarks/render-and-plan.sh 5" "Tests/Benchmarks/startup.sh")
    # Not kept waiting for a quiet machine: these figures are a report, not a verdict.
    export BENCH_MAX_WAIT=${BENCH_MAX_WAIT:-10}
    ;;
--full)
    benchmarks=("Tests/Benchmarks/render-and-plan.sh" "Tests/Benchmarks/startup.sh" "Tests/Benchmarks/mixer-benchmark.sh"
        "Tests/Benchmarks/play-vs-aplay.sh"
        "Tests/Benchmarks/serve-idle.sh" "Tests/Benchmarks/timing-vs-naive.sh" "Tests/Benchmarks/soak.sh"
        "Tests/Fuzz/run.sh --seconds 60" "Tests/Sanitizers/address.sh" "Tests/Sanitizers/thread.sh")
    ;;
*) echo "usage: $0 --quick|--full" >&2; exit 2 ;;
esac
# The release build, once for all of them: each benchmark would otherwise
# run it again (in a clean clone only the first builds; each later one finds
# nothing to do, 0.4-2.7 s on CI's machine, 2026-12-07: --quick took 33 s
# with two builds and 37 s with one, the difference lost in the waits for
# a quiet machine).
source Tests/Benchmarks/common.sh
tmp=$(mktemp -d /tmp/stretchcue-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bench_build
export BENCH_BIN=$bin
status=0
for benchmark in "${benchmarks[@]}"; do
    echo "== $benchmark"
    $benchmark
    result=$?
    case $result in
    0) ;;
    1) echo "== $benchmark: a target was missed"; [[ $mode == --quick ]] || ((status == 2)) || status=1 ;;
    *) echo "== $benchmark: could not run (exit $result)"; status=2 ;;
    esac
done
exit "$status"
