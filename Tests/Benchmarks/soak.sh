#!/usr/bin/env bash
# Soak: an hour of the box's audio through a PulseAudio null sink while
# stress-ng loads every core, with socket commands at random every 2-5 s,
# checked against the targets of issue 11:
#   - underruns: 0 at the default buffer (else each recovered, no cue lost)
#   - peak RSS flat within 1 MB from minute 5 to the end
#   - every cue onset within 2 ms of the plan, none missing
#   - the session's end on time (within 2 ms)
#
# Usage: Tests/Benchmarks/soak.sh [--rounds N] [--buffer-ms MS] [--keep DIR]
#   N    rounds of the built-in back-tension (default 7: 64 minutes)
#   MS   the device buffer (default the program's, 100)
#   DIR  keep the plan, render, recording, RSS samples and the box's log
#        there (soak-analyse.py can be run on them again)
# Exit status: 0 all targets met, 1 a target missed, 2 a setup or usage error.
#
# How: a release build of `stretchcue serve` (config: device pulse, a 3 s
# lead-in, so the opening bell is recorded whole) in a private PulseAudio
# server with two null sinks: the session's ("virt"), whose monitor is
# recorded with parec, and the
# answers' ("answers", `earcon_device: pulse:answers`), so the volume
# earcons play as a listener would hear them but not over the cues
# measured. `ctl start`, then until the session ends: `ctl status` every
# 2-5 s (random), and one time in eight `ctl volume -2`, undone by `ctl
# volume +2` at the next command. stress-ng --cpu (one worker per core)
# runs all along. VmRSS of the box is read every 10 s, and the streams
# playing into the session's sink are noted (one all along, unless the
# box reopened its device). Then soak-analyse.py finds every planned cue
# of the session in the recording (the first 200 ms of each cue in
# `render`'s file of the same session, matched by normalized
# cross-correlation within 250 ms of its planned place; a match under 0.9
# counts as a cue not found) and prints the figures.
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 [--rounds N] [--buffer-ms MS] [--keep DIR]" >&2; }
rounds=7
buffer_ms=
keep=
while (($#)); do
    case $1 in
    --rounds) (($# >= 2)) || { usage; exit 2; }; rounds=$2; shift 2 ;;
    --buffer-ms) (($# >= 2)) || { usage; exit 2; }; buffer_ms=$2; shift 2 ;;
    --keep) (($# >= 2)) || { usage; exit 2; }; keep=$(realpath -m "$2"); shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
    esac
done
[[ $rounds =~ ^[1-9]$ ]] || { usage; exit 2; }
[[ -z $buffer_ms || $buffer_ms =~ ^[0-9]+$ ]] || { usage; exit 2; }

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install stress-ng:stress-ng
if ! command -v parec >/dev/null || ! command -v pulseaudio >/dev/null; then .ci/setup --test >&2; fi
bench_require python3 swift parec pulseaudio pactl stress-ng
python3 -c 'import numpy' 2>/dev/null || { echo "bench: python3 needs numpy (apt-get install python3-numpy)" >&2; exit 2; }

bench_private_runtime soak
pids=()
finish() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    bench_private_runtime_finish
}
trap finish EXIT

bench_build
echo "bench: revision $(bench_revision)" >&2
"$bin" plan --json --rounds "$rounds" >"$tmp/plan.json"
echo "bench: render --rounds $rounds" >&2
"$bin" render --rounds "$rounds" -o "$tmp/session.wav" >/dev/null
.ci/pulse start || exit 2
pactl load-module module-null-sink sink_name=answers rate=48000 >/dev/null
session_sink=$(pactl list short sinks | awk '$2 == "virt" { print $1 }')

cat >"$tmp/config.yaml" <<CONFIG
device: pulse
earcon_device: pulse:answers
lead_in_ms: 3000
rounds: $rounds
socket: $tmp/box.sock
state_folder: $tmp/state
${buffer_ms:+buffer_ms: $buffer_ms}
CONFIG
parec -d virt.monitor --raw --format=s16le --rate=48000 --channels=2 --latency-msec=20 >"$tmp/heard.raw" &
pids+=($!)
"$bin" serve --config "$tmp/config.yaml" -v >"$tmp/serve.log" 2>&1 &
box=$!
pids+=("$box")
ctl() { "$bin" ctl "$@" --socket "$tmp/box.sock"; }
until ctl status >/dev/null 2>&1; do sleep 0.1; done
cores=$(nproc)
stress-ng --cpu "$cores" --timeout 4h >/dev/null 2>&1 &
pids+=($!)
sleep 5
started=$(date +%s)
ctl start >/dev/null
for _ in $(seq 100); do ctl status | grep -q '^playing' && break; sleep 0.1; done
echo "bench: playing $rounds rounds under stress-ng --cpu $cores" >&2
commands=0
lowered=0
next_rss=0
: >"$tmp/rss.log"
: >"$tmp/streams.log"
while ctl status 2>/dev/null | grep -q '^playing'; do
    now=$(date +%s)
    if ((now >= next_rss)); then
        echo "$((now - started)) $(awk '/^VmRSS/ { print $2 }' "/proc/$box/status")" >>"$tmp/rss.log"
        next_rss=$((now + 10))
    fi
    pactl list short sink-inputs | awk -v sink="$session_sink" '$2 == sink { print $1 }' >>"$tmp/streams.log"
    if ((lowered)); then
        ctl volume +2 >/dev/null && lowered=0
    elif ((RANDOM % 8 == 0)); then
        ctl volume -2 >/dev/null && lowered=1
    fi
    commands=$((commands + 1))
    sleep "$((2 + RANDOM % 4))"
done
sleep 1
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
echo "bench: $commands rounds of commands in $(($(date +%s) - started)) s" >&2
echo "bench: streams into the session's sink: $(sort -un "$tmp/streams.log" | tr '\n' ' ')" >&2
files=("$tmp/plan.json" "$tmp/session.wav" "$tmp/heard.raw" "$tmp/rss.log" "$tmp/serve.log")
if [[ -n $keep ]]; then
    mkdir -p "$keep"
    cp "${files[@]}" "$tmp/streams.log" "$keep/"
fi
python3 Tests/Benchmarks/soak-analyse.py "${files[@]}"
