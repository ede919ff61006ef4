#!/usr/bin/env bash
# Fuzzes what Stretchcue reads from outside with libFuzzer, each harness for
# a given time, under AddressSanitizer (which finds leaks too), and reports
# executions and findings per harness. Each harness (Tests/Fuzz/Harnesses)
# feeds one parser inputs mutated from its seeds in Tests/Fuzz/Corpus:
#   FuzzRoutine      routine YAML            FuzzControlLine  control-socket lines
#   FuzzPack         pack.yaml manifests     FuzzKeys         terminal key bytes
#   FuzzConfig       config files            FuzzInputEvents  /dev/input event bytes
#   FuzzSoundFile    sound files through libsndfile, resampled with libsoxr
#   FuzzTerminalText names from files, escaped for a terminal and as JSON
#   FuzzControlSocket what one client sends the control socket, read and answered
# A crash, a hang over 10 s, a leak or over 2 GB of memory is a finding: its
# input is kept in the output folder, to become a regression test (inputs of
# past findings are in Tests/Fuzz/Findings; Tests/Sanitizers/leaks.supp lists the leaks that
# are the system libraries').
#
# Usage: Tests/Fuzz/run.sh [--seconds N] [--out DIR] [--merge] [HARNESS...]
#   N      seconds per harness (default 60)
#   DIR    where new inputs and findings go (default a temporary folder,
#          removed unless something was found)
#   --merge  add the inputs that reach new code to Tests/Fuzz/Corpus
# Exit status: 0 no finding, 1 a finding, 2 a setup or usage error.
set -euo pipefail
export LC_ALL=C
usage() { echo "usage: $0 [--seconds N] [--out DIR] [--merge] [HARNESS...]" >&2; }
seconds=60
out=
merge=0
harnesses=()
while (($#)); do
    case $1 in
    --seconds) (($# >= 2)) || { usage; exit 2; }; seconds=$2; shift 2 ;;
    --out) (($# >= 2)) || { usage; exit 2; }; out=$(realpath -m "$2"); shift 2 ;;
    --merge) merge=1; shift ;;
    -h | --help) usage; exit 0 ;;
    Fuzz*) harnesses+=("$1"); shift ;;
    *) usage; exit 2 ;;
    esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { usage; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
((${#harnesses[@]})) || harnesses=(FuzzRoutine FuzzPack FuzzConfig FuzzSoundFile FuzzControlLine FuzzKeys FuzzInputEvents FuzzTerminalText FuzzControlSocket)
.ci/setup >&2

# The fuzzer's runtime comes with the Swift toolchain (clang's compiler-rt).
runtime=$(find "$(dirname "$(realpath "$(command -v swift)")")/../lib" -name 'libclang_rt.fuzzer_no_main-x86_64.a' -print -quit)
[[ -n $runtime ]] || { echo "fuzz: no libclang_rt.fuzzer_no_main in the Swift toolchain" >&2; exit 2; }
# The harnesses and everything they reach instrumented for the fuzzer (the
# frontend's -sanitize=fuzzer: coverage counters and comparisons), with
# libFuzzer's driver linked and run from each harness's main.
build=(env STRETCHCUE_FUZZ=1 swift build --scratch-path .build-fuzz -Xswiftc -sanitize=address
    -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer -Xlinker "$runtime" -Xlinker -lstdc++)
for harness in "${harnesses[@]}"; do
    [[ -d Tests/Fuzz/Harnesses/$harness ]] || { echo "fuzz: no harness $harness" >&2; exit 2; }
    echo "fuzz: building $harness" >&2
    "${build[@]}" --product "$harness" >/tmp/stretchcue-fuzz-build.log 2>&1 || { cat /tmp/stretchcue-fuzz-build.log >&2; exit 2; }
done
bin=$("${build[@]}" --show-bin-path)

[[ -n $out ]] || { out=$(mktemp -d /tmp/stretchcue-fuzz.XXXXXX); temporary=1; }
mkdir -p "$out"
found=0
printf '%-16s %8s %12s %10s %8s %s\n' harness seconds executions "exec/s" corpus findings
for harness in "${harnesses[@]}"; do
    mkdir -p "$out/$harness/new" "$out/$harness/findings"
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/Tests/Sanitizers/leaks.supp" "$bin/$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/$harness/findings/" -print_final_stats=1 \
        "$out/$harness/new" "Tests/Fuzz/Corpus/$harness" >"$out/$harness/log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$harness/log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$harness/log" | tail -n 1)
    corpus=$(($(ls "$out/$harness/new" | wc -l) + $(ls "Tests/Fuzz/Corpus/$harness" | wc -l)))
    findings=$(ls "$out/$harness/findings" | wc -l)
    ((findings == 0)) || found=1
    printf '%-16s %8s %12s %10s %8s %s\n' "$harness" "$seconds" "${runs:-?}" "${speed:-?}" "$corpus" \
        "$( ((findings)) && ls "$out/$harness/findings" | tr '\n' ' ' || echo none)"
    if ((merge)); then
        "$bin/$harness" -merge=1 "Tests/Fuzz/Corpus/$harness" "$out/$harness/new" >/dev/null 2>&1 || true
    fi
done
if ((found)); then
    echo "fuzz: findings in $out (each harness's log and findings/)" >&2
    exit 1
fi
[[ -z ${temporary:-} ]] || rm -rf "$out"
