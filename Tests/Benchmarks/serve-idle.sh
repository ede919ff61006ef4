#!/usr/bin/env bash
# Measures the box, `stretchcue serve`, in a release build, against its targets:
#   - idle: CPU time over 60 s (target: 0 ticks) and wake-ups (the context
#     switches of all its threads over the same 60 s: target 0)
#   - start to ready: from starting the program to READY=1 on its
#     NOTIFY_SOCKET, as systemd sees it (median of 9 runs; target < 500 ms)
#   - memory: resident idle, and the peak while a session plays
#
# Usage: Tests/Benchmarks/serve-idle.sh
# Exit status: 0 all targets met, 1 a target missed, 2 a setup error.
# The device is a private PulseAudio server with a null sink (.ci/pulse).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh

if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then .ci/setup --test >&2; fi
bench_require python3 swift pulseaudio pactl
tmp=$(mktemp -d /tmp/stretchcue-bench.XXXXXX)
runtime="$tmp/runtime"
mkdir -m 700 "$runtime"
export XDG_RUNTIME_DIR=$runtime
finish() {
    .ci/pulse stop
    rm -rf "$tmp"
}
trap finish EXIT
bench_build
.ci/pulse start
bench_wait_until_quiet

cat > "$tmp/config.yaml" <<CONFIG
device: pulse
lead_in_ms: 500
socket: $tmp/box.sock
state_folder: $tmp/state
routines: [$tmp]
CONFIG
printf 'name: Short\nhold: 4\nsettle: 0.5\nrest: 0.5\nposes:\n  - id: one\n    name: One\n    prompt: side.left\n' > "$tmp/short.yaml"

python3 - "$bin" "$tmp" <<'PYTHON' | tee "$tmp/figures"
import os, socket, statistics, subprocess, sys, time

program, folder = sys.argv[1], sys.argv[2]
config = folder + "/config.yaml"
tick = os.sysconf("SC_CLK_TCK")

def serve():
    """Starts serve with a notify socket; returns the process, the socket, the start time."""
    path = folder + "/notify"
    if os.path.exists(path):
        os.unlink(path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(path)
    started = time.monotonic()
    process = subprocess.Popen([program, "serve", "--config", config], env=dict(os.environ, NOTIFY_SOCKET=path),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, notify, started

def wait_ready(notify, started):
    notify.settimeout(10)
    while True:
        message = notify.recv(4096).decode()
        if "READY=1" in message.split("\n"):
            return time.monotonic() - started

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

def switches(pid):
    total = 0
    for thread in os.listdir(f"/proc/{pid}/task"):
        for line in open(f"/proc/{pid}/task/{thread}/status"):
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total

def memory(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

def ctl(*words):
    return subprocess.run([program, "ctl", *words, "--socket", folder + "/box.sock"], capture_output=True, text=True).stdout

ready = []
for _ in range(9):
    process, notify, started = serve()
    ready.append(wait_ready(notify, started) * 1000)
    process.terminate()
    process.wait()
print(f"start to READY=1, median of 9: {statistics.median(ready):.1f} ms (min {min(ready):.1f}, max {max(ready):.1f})")

process, notify, started = serve()
wait_ready(notify, started)
time.sleep(10)  # past the spoken "ready"
threads = len(os.listdir(f"/proc/{process.pid}/task"))
before = (cpu(process.pid), switches(process.pid))
time.sleep(60)
after = (cpu(process.pid), switches(process.pid))
print(f"idle over 60 s: {after[0] - before[0]} CPU ticks (of {tick} a second), {after[1] - before[1]} wake-ups, {threads} thread(s)")
print(f"idle resident: {memory(process.pid, 'VmRSS') / 1024:.1f} MiB")
ctl("start", folder + "/short.yaml")
while not ctl("status").startswith("idle"):
    time.sleep(0.2)
print(f"peak resident, a session played: {memory(process.pid, 'VmHWM') / 1024:.1f} MiB")
process.terminate()
process.wait()
PYTHON

ready=$(sed -n 's/^start to READY=1, median of 9: \([0-9.]*\) ms.*/\1/p' "$tmp/figures")
ticks=$(sed -n 's/^idle over 60 s: \([0-9]*\) CPU ticks.*/\1/p' "$tmp/figures")
wakeups=$(sed -n 's/^idle over 60 s: [0-9]* CPU ticks (of [0-9]* a second), \([0-9]*\) wake-ups.*/\1/p' "$tmp/figures")
echo "commit $(bench_revision); load before: $load_before"
check "start to READY=1 (median)" "$ready" "<" 500 ms
check "idle CPU over 60 s" "$ticks" "<=" 0 ticks
check "idle wake-ups over 60 s" "$wakeups" "<=" 0 ""
bench_verdict
