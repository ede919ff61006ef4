# What the benchmark scripts share; sourced by them from the repository's
# root, never run. Messages go to stderr prefixed "bench:"; setup failures
# exit 2, as the scripts document.

# bench_install PROGRAM:PACKAGE...: installs with apt-get the packages whose
# program is missing (PROGRAM is a command name or an absolute path).
bench_install() {
    local pair program missing=() sudo=""
    for pair in "$@"; do
        program=${pair%%:*}
        if [[ $program == /* ]]; then [[ -x $program ]] && continue; else command -v "$program" >/dev/null && continue; fi
        missing+=("${pair#*:}")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "bench: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# bench_require PROGRAM...: stops unless every program is on PATH.
bench_require() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is not on PATH" >&2; exit 2; }
    done
}

# bench_private_runtime NAME: makes a temporary folder, tmp, with a runtime
# folder in it (XDG_RUNTIME_DIR), so that `.ci/pulse start` starts a sound
# server of the script's own, and sets an exit trap that stops that server
# and removes tmp (bench_private_runtime_finish; a script with more to end
# sets its own trap and calls it).
bench_private_runtime() {
    tmp=$(mktemp -d "/tmp/stretchcue-$1.XXXXXX")
    export XDG_RUNTIME_DIR="$tmp/runtime"
    mkdir -m 700 "$XDG_RUNTIME_DIR"
    unset PULSE_SERVER
    trap bench_private_runtime_finish EXIT
    trap 'exit 130' INT TERM
}
bench_private_runtime_finish() {
    .ci/pulse stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}

# bench_build: a release build in its own scratch folder, so it never shares
# .build with another build running at the same time; sets bin. Needs $tmp.
# When BENCH_BIN names a program already built so (run.sh builds once for
# all the benchmarks it runs), sets bin to it and builds nothing.
bench_build() {
    if [[ -n ${BENCH_BIN:-} ]]; then
        [[ -x $BENCH_BIN ]] || { echo "bench: BENCH_BIN=$BENCH_BIN is not a program" >&2; exit 2; }
        bin=$BENCH_BIN
        return
    fi
    local build=(swift build -c release --static-swift-stdlib --scratch-path .build-bench)
    echo "bench: ${build[*]}" >&2
    if ! "${build[@]}" >"$tmp/build.log" 2>&1; then
        cat "$tmp/build.log" >&2
        echo "bench: the release build failed" >&2
        exit 2
    fi
    bin="$("${build[@]}" --show-bin-path)/stretchcue"
}

# bench_six_poses: prints the short routine the timing benchmarks play:
# six poses held 8 s a side, short prompts (2:25).
bench_six_poses() {
    printf 'name: Six\nhold: 8\nsettle: 0.5\nrest: 0.5\nposes:\n'
    for n in 1 2 3 4 5 6; do printf '  - id: p%s\n    name: P%s\n    prompt: side.left\n    sides: [left, right]\n' "$n" "$n"; done
}

# The 1-minute, 5-minute and 15-minute load averages.
load() { cut -d' ' -f1-3 /proc/loadavg; }
# Whether the 1-minute load average is 1 or more.
busy() { awk '{ exit !($1 >= 1) }' /proc/loadavg; }

# bench_wait_until_quiet: other work on the machine disturbs the figures, so
# waits up to BENCH_MAX_WAIT seconds (default 90; the build itself raises the
# load) for the 1-minute load average to fall below 1, then measures anyway
# with a warning. Sets load_before.
bench_wait_until_quiet() {
    local max_wait=${BENCH_MAX_WAIT:-90} waited
    [[ $max_wait =~ ^[0-9]+$ ]] || { echo "bench: BENCH_MAX_WAIT must be a number of seconds" >&2; exit 2; }
    for ((waited = 0; waited < max_wait; waited += 5)); do
        busy || break
        ((waited > 0)) || echo "bench: waiting up to ${max_wait}s for the load average ($(load)) to fall below 1" >&2
        sleep 5
    done
    load_before=$(load)
    if busy; then
        echo "bench: warning: 1-minute load is $load_before; figures may be disturbed" >&2
    fi
}

# What was measured: the commit, and whether the program's sources differ from it.
bench_revision() {
    local revision
    revision=$(git --no-optional-locks rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git --no-optional-locks status --porcelain -- Package.swift Sources 2>/dev/null) ]]; then
        revision+=" + uncommitted changes"
    fi
    echo "$revision"
}

# bench_check_wav PATH RATE FRAMES: stops unless PATH is a stereo 16-bit
# WAV file at RATE of FRAMES frames, the session asked for.
bench_check_wav() {
    python3 - "$@" <<'EOF' || exit 2
import sys, wave
path, rate, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with wave.open(path) as w:
    got = (w.getframerate(), w.getnchannels(), w.getsampwidth() * 8, w.getnframes())
if got != (rate, 2, 16, frames):
    sys.exit(f"bench: {path} is {got[0]} Hz, {got[1]} channels, {got[2]} bits, {got[3]} frames; "
             f"expected {rate} Hz, 2 channels, 16 bits, {frames} frames")
EOF
}

# The median, lowest and highest of numbers read one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
lowest() { sort -g | head -n 1; }
highest() { sort -g | tail -n 1; }

# check DESCRIPTION VALUE OPERATOR LIMIT UNIT: prints a target's line;
# OPERATOR is >=, < or <=. A missed target sets missed=1.
missed=0
check() {
    local verdict
    if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !(op == ">=" ? v >= l : op == "<" ? v < l : v <= l) }'; then
        verdict="ok"
    else
        verdict="MISSED"
        missed=1
    fi
    printf '%-56s %12s %-2s %-12s %s\n' "$1" "$2 $5" "$3" "$4 $5" "$verdict"
}

# bench_verdict: exits 1 if a target was missed.
bench_verdict() {
    if ((missed)); then
        echo "bench: a target was missed" >&2
        exit 1
    fi
}
