#!/usr/bin/env bash
# Timing: `stretchcue play` against a naive scheduler written the way people
# write one (a shell loop that sleeps the gap to the next cue, then starts
# `aplay` on the cue's sound in the background), both on the same real-time
# device (ALSA's pulse PCM into a PulseAudio null sink, recorded with parec),
# both measured against the plan: median and worst cue onset error, and the
# drift by the end of the session. Target (play): every cue within 2 ms.
#
# Usage: Tests/Benchmarks/timing-vs-naive.sh [ROUTINE]
#   ROUTINE  a routine file or built-in name (default: six poses held 8 s a
#            side with short prompts, 2:25, written by the script)
# Exit status: 0 play met the target, 1 it did not, 2 a setup error.
#
# Both play the session's chimes and prompts without the breathing tones
# (made to each breath's length, which a folder of files cannot be): play
# with --mute breath, the naive loop with the files `packs export` writes of
# the same built-in sounds. Each recording is matched against `render
# --mute breath` (see cues.py); errors are counted from each run's first
# cue, so neither is charged for starting up.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
if ! command -v parec >/dev/null || ! command -v aplay >/dev/null; then .ci/setup --test >&2; fi
bench_require python3 swift parec aplay pulseaudio pactl
python3 -c 'import numpy' 2>/dev/null || { echo "bench: python3 needs numpy (apt-get install python3-numpy)" >&2; exit 2; }

bench_private_runtime timing
recorder=
finish() {
    [[ -z $recorder ]] || kill "$recorder" 2>/dev/null || true
    bench_private_runtime_finish
}
trap finish EXIT

routine=${1:-}
if [[ -z $routine ]]; then
    routine="$tmp/six.yaml"
    bench_six_poses >"$routine"
elif [[ -f $routine ]]; then
    routine=$(realpath "$routine")
fi
bench_build
"$bin" plan --json "$routine" >"$tmp/plan.json"
"$bin" render "$routine" --mute breath -o "$tmp/session.wav" >/dev/null 2>&1
"$bin" packs export "$tmp/sounds" >/dev/null
.ci/pulse start || exit 2
bench_wait_until_quiet

record() {
    parec -d virt.monitor --raw --format=s16le --rate=48000 --channels=2 --latency-msec=20 >"$1" &
    recorder=$!
    sleep 0.5
}
stop_recording() {
    sleep 1
    kill "$recorder"
    wait "$recorder" 2>/dev/null || true
    recorder=
}

echo "bench: play" >&2
record "$tmp/play.raw"
"$bin" play "$routine" -D pulse --mute breath --lead-in-ms 0 >/dev/null
stop_recording

echo "bench: the naive scheduler" >&2
# The loop as a person writes it: the cues from the plan, a sleep of the gap, aplay in the background.
python3 - "$tmp/plan.json" "$tmp/sounds" >"$tmp/naive.sh" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
rate, sounds, previous = plan["sampleRate"], sys.argv[2], 0.0
print("#!/bin/sh")
for cue in plan["cues"]:
    if cue["kind"].startswith("breath."):
        continue
    file = f"{sounds}/voice/{cue['prompt']}.wav" if cue["kind"] == "voice" else f"{sounds}/chimes/{cue['kind']}.wav"
    at = cue["frame"] / rate
    print(f"sleep {at - previous:.6f}")
    print(f"aplay -q -D pulse {file} &")
    previous = at
print("wait")
PY
record "$tmp/naive.raw"
sh "$tmp/naive.sh"
stop_recording

python3 - "$tmp/plan.json" "$tmp/session.wav" "$tmp/play.raw" "$tmp/naive.raw" <<'PY'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.getcwd(), "Tests/Benchmarks"))
from cues import find_cues, load_plan, load_raw, load_render, session_start

plan = load_plan(sys.argv[1])
rate = plan["sampleRate"]
rendered = load_render(sys.argv[2])
kinds = {c["kind"] for c in plan["cues"] if not c["kind"].startswith("breath.")}
planned = sum(1 for c in plan["cues"] if c["kind"] in kinds)
print(f"{'scheduler':<10} {'cues found':>11} {'median error':>13} {'worst error':>12} {'drift at the end':>17}")
verdict = 0
for name, path in (("play", sys.argv[3]), ("naive", sys.argv[4])):
    heard = load_raw(path)
    # Where the run began: the session's first two seconds, found in the first 10 s.
    offset = session_start(rendered, heard, rate, within_seconds=10)
    found, not_found = find_cues(plan, rendered, heard, offset, search_seconds=1.0, kinds=kinds, threshold=0.8)
    # Counted from the run's first cue, so neither is charged for starting up.
    errors = np.array([e - found[0][1] for _, e in found]) if found else np.array([np.inf])
    drift = found[-1][1] - found[0][1] if found else float("nan")
    print(f"{name:<10} {len(found):>5}/{planned:<5} {np.median(np.abs(errors)):>10.3f} ms {np.max(np.abs(errors)):>9.3f} ms {drift:>+14.3f} ms")
    if name == "play" and (not_found or np.max(np.abs(errors)) > 2):
        verdict = 1
sys.exit(verdict)
PY
