#!/usr/bin/env bash
# Benchmarks `stretchcue play` against aplay on a kernel sound driver's hw:
# device, where play keeps its deep buffer full and rewinds for keys: a VM
# (Tests/VM/vm.sh, snd-aloop) plays the same session by aplay (render's WAV,
# aplay's own defaults) and by play, taking turns ROUNDS times, then once
# by play --rewind-ms 0, each under GNU time, and the script checks the
# medians of play against those of aplay:
#   - CPU time (user + sys) at most 1.5x aplay's with its own defaults
#   - peak RSS at most 2.5x aplay's
# The guest runs under qemu's software emulation (no KVM), which makes
# every instruction slower, aplay's as much as play's: the ratios are the
# figures, not the seconds.
#
# Usage: Tests/Benchmarks/hw-play-vs-aplay.sh [--rounds N] [ROUTINE]
#   N        turns of aplay and play (1-3, default 3; the VM's timeout
#            holds 7 runs of the default routine)
#   ROUTINE  a routine file (default: six poses held 8 s a side, 2:25)
# Exit status: 0 both targets met, 1 a target missed, 2 a setup error.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install /usr/bin/time:time
bench_require python3 swift aplay
# Tests/VM/vm.sh installs qemu and the rest of what the VM needs.

rounds=3
if [[ ${1:-} == --rounds ]]; then
    [[ ${2:-} =~ ^[1-3]$ ]] || { echo "usage: $0 [--rounds 1-3] [ROUTINE]" >&2; exit 2; }
    rounds=$2
    shift 2
fi
tmp=$(mktemp -d /tmp/stretchcue-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
bench_build

routine=${1:-}
if [[ -z $routine ]]; then
    routine="$tmp/six.yaml"
    bench_six_poses >"$routine"
else
    cp "$routine" "$tmp/routine.yaml"
    routine="$tmp/routine.yaml"
fi
"$bin" render "$routine" -o "$tmp/session.wav" >/dev/null 2>&1 || { echo "bench: the render failed" >&2; exit 2; }
echo "$bin" >"$tmp/program"
echo "$rounds" >"$tmp/rounds"
# The guest works in $tmp: the routine by its name there.
basename "$routine" >"$tmp/arguments"
bench_wait_until_quiet
echo "bench: Tests/VM/vm.sh cpu (a VM boots, then plays the session $((2 * rounds + 1)) times)" >&2
status=0
Tests/VM/vm.sh Tests/VM/scenarios/cpu.sh "$tmp" || status=$?
if ((status != 0)); then
    cat "$tmp"/*.log "$tmp/console.log" >&2 2>/dev/null || true
    echo "bench: the VM scenario failed ($status)" >&2
    exit 2
fi
grep -h "opened hw:Loopback" "$tmp/play-1.log" "$tmp/play-norewind.log" | sed 's/^/bench: /' >&2 || true
python3 - "$tmp" "$rounds" <<'PY'
import statistics
import sys
folder, rounds = sys.argv[1], int(sys.argv[2])
def figures(name):
    user, system, rss, wall = open(f"{folder}/{name}.time").read().split()[-4:]
    return float(user), float(system), int(rss), float(wall)
print("run                 user s   sys s   CPU s   peak RSS KiB   wall s")
runs = {}
for name in [f"{player}-{turn}" for turn in range(1, rounds + 1) for player in ("aplay", "play")] + ["play-norewind"]:
    user, system, rss, wall = runs[name] = figures(name)
    print(f"{name:18} {user:7.2f} {system:7.2f} {user + system:7.2f} {rss:14d} {wall:8.1f}")
def medians(player):
    """The medians of a player's turns: CPU seconds (user + sys) and peak RSS KiB."""
    turns = [runs[f"{player}-{turn}"] for turn in range(1, rounds + 1)]
    return statistics.median(user + system for user, system, _, _ in turns), statistics.median(rss for _, _, rss, _ in turns)
play_cpu, play_rss = medians("play")
aplay_cpu, aplay_rss = medians("aplay")
cpu, rss = play_cpu / aplay_cpu, play_rss / aplay_rss
alone = runs["play-norewind"]
print(f"medians of {rounds}: CPU play {play_cpu:.2f} s, aplay {aplay_cpu:.2f} s: {cpu:.2f}x; "
      f"peak RSS play {play_rss:.0f} KiB, aplay {aplay_rss:.0f} KiB: {rss:.2f}x")
print(f"play --rewind-ms 0: CPU {(alone[0] + alone[1]) / aplay_cpu:.2f}x, peak RSS {alone[2] / aplay_rss:.2f}x")
verdict = int(cpu > 1.5 or rss > 2.5)
print(f"targets (play): CPU <= 1.5x aplay ({'met' if cpu <= 1.5 else 'MISSED'}), peak RSS <= 2.5x aplay ({'met' if rss <= 2.5 else 'MISSED'})")
sys.exit(verdict)
PY
