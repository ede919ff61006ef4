#!/usr/bin/env bash
# Benchmarks `stretchcue play` against aplay on a kernel sound driver's hw:
# device, where play keeps its deep buffer full and rewinds for keys: a VM
# (Tests/VM/vm.sh, snd-aloop) plays the same session three times (aplay of
# render's WAV with aplay's own defaults, play, play --rewind-ms 0), each
# under GNU time, and the script checks play against the targets:
#   - CPU time (user + sys) at most 1.5x aplay's with its own defaults
#   - peak RSS at most 2.5x aplay's
# The guest runs under qemu's software emulation (no KVM), which makes
# every instruction slower, aplay's as much as play's: the ratios are the
# figures, not the seconds.
#
# Usage: Tests/Benchmarks/hw-play-vs-aplay.sh [ROUTINE]
#   ROUTINE  a routine file (default: six poses held 8 s a side, 2:25)
# Exit status: 0 both targets met, 1 a target missed, 2 a setup error.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install /usr/bin/time:time
bench_require python3 swift aplay
# Tests/VM/vm.sh installs qemu and the rest of what the VM needs.

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
# The guest works in $tmp: the routine by its name there.
basename "$routine" >"$tmp/arguments"
bench_wait_until_quiet
echo "bench: Tests/VM/vm.sh cpu (a VM boots, then plays the session three times)" >&2
status=0
Tests/VM/vm.sh Tests/VM/scenarios/cpu.sh "$tmp" || status=$?
if ((status != 0)); then
    cat "$tmp"/*.log "$tmp/console.log" >&2 2>/dev/null || true
    echo "bench: the VM scenario failed ($status)" >&2
    exit 2
fi
grep -h "opened hw:Loopback" "$tmp/play.log" "$tmp/play-0.log" | sed 's/^/bench: /' >&2 || true
python3 - "$tmp" <<'PY'
import sys
folder = sys.argv[1]
def figures(name):
    user, system, rss, wall = open(f"{folder}/{name}.time").read().split()[-4:]
    return float(user), float(system), int(rss), float(wall)
aplay = figures("aplay")
aplay_cpu = aplay[0] + aplay[1]
print("player                      user s   sys s   CPU s   x aplay   peak RSS KiB   x aplay   wall s")
verdict = 0
for name, label in (("aplay", "aplay (its defaults)"), ("play", "play (500 ms, rewinds)"), ("play-0", "play --rewind-ms 0")):
    user, system, rss, wall = figures(name)
    cpu = user + system
    print(f"{label:26} {user:7.2f} {system:7.2f} {cpu:7.2f} {cpu / aplay_cpu:8.2f}x {rss:13d} {rss / aplay[2]:8.2f}x {wall:8.1f}")
    if name == "play":
        verdict = int(cpu > 1.5 * aplay_cpu or rss > 2.5 * aplay[2])
print("targets (play): CPU <= 1.5x aplay, peak RSS <= 2.5x aplay:", "met" if verdict == 0 else "MISSED")
sys.exit(verdict)
PY
