#!/usr/bin/env bash
# Benchmarks live playback in a release build: `stretchcue play` of a session
# against `aplay` playing the rendered WAV of the same session, one after the
# other on the same device, and checks them against the targets:
#   - CPU time (user + sys) of play at most 1.5x aplay's
#   - peak RSS of play at most 2.5x aplay's
#     (both judged against aplay with play's device buffer, 100 ms in 4
#      periods of 25 ms; aplay with its own defaults is shown beside it)
#   - time from start to the first frame written: median under 50 ms
#     (judged on the untraced figure; the strace figure is shown beside it)
#
# Usage: Tests/Benchmarks/play-vs-aplay.sh [--session ROUTINE] [--first-frame-runs N]
#   ROUTINE  a built-in routine name or a routine file (YAML); default the
#            built-in back-tension (9:37; the session is played three times,
#            so the script takes about 30 minutes)
#   N        timed runs of each first-frame measurement (default 9)
# Exit status: 0 all targets met, 1 a target missed, 2 a setup or usage error.
#
# The device is a private PulseAudio server with a null sink (.ci/pulse), in
# a temporary XDG_RUNTIME_DIR, reached through ALSA's pulse PCM (-D pulse).
# play runs with --lead-in-ms 0 --buffer-ms 100, so it plays exactly the frames
# of the WAV file that `render` writes of the same session, which aplay plays
# twice: with --buffer-time=100000 --period-time=25000 (play's buffer) and with
# its defaults. Each runs once under GNU time (user and system CPU time, peak
# RSS); wall is bash's microsecond clock around it and includes the drain at
# the end. Nothing is pinned to a CPU: play's own threads and the sound server
# run beside it, as they do for a listener.
#
# The first frame: an ALSA file PCM (type file, slave null) writes every period
# to a WAV file as it is played. Under `strace -f -ttt -e trace=execve,openat,write`
# the time from the program's execve to the first write() of frames (after the
# 44-byte header) on the file descriptor openat returned for that file is the
# time to the first frame written. strace stops the program on every system
# call, so this is a loose upper bound. The same PCM writing into a FIFO, read
# by a launcher that takes the time just before it starts the program and
# again when the first frames arrive, gives an untraced figure: an upper bound
# too (it adds starting the process and waking the reader), but a tight one,
# and the one the target is judged on. The null PCM does not keep real time,
# so these runs take seconds. play uses --sample-format s16 here, as the file
# is 16-bit.
set -euo pipefail
export LC_ALL=C

usage() {
    echo "usage: $0 [--session ROUTINE] [--first-frame-runs N]" >&2
    echo "  ROUTINE: a built-in routine name or a routine file (YAML); default back-tension" >&2
    echo "  N: timed runs of each first-frame measurement, a positive number; default 9" >&2
}
routine=back-tension
first_frame_runs=9
while (($#)); do
    case $1 in
    -s | --session) (($# >= 2)) || { usage; exit 2; }; routine=$2; shift 2 ;;
    --session=*) routine=${1#*=}; shift ;;
    --first-frame-runs) (($# >= 2)) || { usage; exit 2; }; first_frame_runs=$2; shift 2 ;;
    --first-frame-runs=*) first_frame_runs=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
    esac
done
[[ $first_frame_runs =~ ^[1-9][0-9]*$ ]] || { usage; exit 2; }
# A routine file is found from where the script was started.
[[ ! -f $routine ]] || routine=$(realpath "$routine")

# Targets.
max_cpu_ratio=1.5     # play's CPU time / aplay's (same buffer)
max_rss_ratio=2.5     # play's peak RSS / aplay's (same buffer)
max_first_frame_ms=50 # median time from start to the first frame written

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh

# GNU time and strace; aplay and the PulseAudio server through the project's setup.
bench_install /usr/bin/time:time strace:strace
if ! command -v aplay >/dev/null || ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then
    .ci/setup --test >&2
fi
bench_require python3 swift aplay strace pulseaudio pactl

# A private sound server, stopped again whatever happens.
bench_private_runtime bench

bench_build
wav="$tmp/session.wav"

# The session: its frames and sample rate from the plan, and its WAV file.
read -r frames rate < <("$bin" plan --json "$routine" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["frames"], d["sampleRate"])') || {
    echo "bench: cannot plan the session '$routine'" >&2
    exit 2
}
session=$(awk -v f="$frames" -v r="$rate" 'BEGIN { printf "%.1f", f / r }')
echo "bench: render $routine -o session.wav ($session s)" >&2
if ! "$bin" render "$routine" -o "$wav" >/dev/null 2>"$tmp/stderr"; then
    cat "$tmp/stderr" >&2
    echo "bench: the render failed" >&2
    exit 2
fi
bench_check_wav "$wav" "$rate" "$frames"

echo "bench: starting a PulseAudio server with a null sink (.ci/pulse start)" >&2
.ci/pulse start || exit 2
pulse_version=$(pactl info | sed -n 's/^Server Version: //p')

bench_wait_until_quiet

play=("$bin" play "$routine" --lead-in-ms 0 --buffer-ms 100)
aplay_same=(aplay -q --buffer-time=100000 --period-time=25000)
aplay_default=(aplay -q)

# --- Time to the first frame written --------------------------------------

tap="$tmp/tap.wav"
fifo="$tmp/tap.fifo"
mkfifo "$fifo"
printf 'pcm.tap { type file; slave.pcm "null"; file "%s"; format "wav" }\n' "$tap" >"$tmp/asoundrc"
printf 'pcm.tap { type file; slave.pcm "null"; file "%s"; format "wav" }\n' "$fifo" >"$tmp/asoundrc.fifo"

# Prints the ms from the first execve to the first write() of frames on the
# tap file's descriptor, from a trace of strace -f -ttt.
cat >"$tmp/first-write.py" <<'EOF'
import re, sys
trace, tap = sys.argv[1], sys.argv[2]
start = fd = None
written = 0
for line in open(trace):
    m = re.match(r'\d+\s+(\d+\.\d+) (\w+)\((.*)\) += (-?\d+)', line)
    if not m:
        continue
    t, call, args, ret = float(m.group(1)), m.group(2), m.group(3), int(m.group(4))
    if call == 'execve' and start is None and ret == 0:
        start = t
    elif call == 'openat' and f'"{tap}"' in args and ret >= 0:
        fd = ret
    elif call == 'write' and fd is not None and args.startswith(f'{fd},') and ret > 0:
        written += ret
        if written > 44:  # past the WAV header the file plugin writes first
            print(f"{(t - start) * 1000:.1f}")
            sys.exit(0)
sys.exit(f"bench: no frames written to {tap} in {trace}")
EOF
# Starts a command and prints the ms until the tap FIFO holds frames (past the
# 44-byte header); drains the FIFO until the command ends.
cat >"$tmp/first-read.py" <<'EOF'
import os, select, subprocess, sys, time
fifo, errors, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # never blocks, never sees EOF
got, first = 0, None
with open(errors, 'w') as err:
    start = time.monotonic()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    while True:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                got += len(os.read(fd, 1 << 16))
            except BlockingIOError:
                continue
            if first is None and got > 44:
                first = time.monotonic()
        elif child.poll() is not None:
            break
if child.returncode != 0:
    sys.exit(f"bench: failed ({child.returncode}): {' '.join(cmd)}")
if first is None:
    sys.exit(f"bench: no frames came through {fifo}")
print(f"{(first - start) * 1000:.1f}")
EOF

# first_frame NAME COMMAND...: runs COMMAND on the tap once untimed, then
# $first_frame_runs times under strace (ms to NAME.strace) and as many times
# untraced (ms to NAME.untraced).
first_frame() {
    local name=$1 i
    shift
    : >"$tmp/$name.strace"
    : >"$tmp/$name.untraced"
    echo "bench: first frame: $name ($first_frame_runs runs traced, $first_frame_runs untraced)" >&2
    for ((i = 0; i <= first_frame_runs; i++)); do
        rm -f "$tap" # truncating a large earlier file would be timed too
        if ! ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$tmp/asoundrc" \
            strace -f -ttt -e trace=execve,openat,write -o "$tmp/trace" "$@" -D tap >"$tmp/stdout" 2>"$tmp/stderr"; then
            cat "$tmp/stderr" >&2
            echo "bench: failed: $* -D tap" >&2
            exit 2
        fi
        ((i > 0)) || continue
        python3 "$tmp/first-write.py" "$tmp/trace" "$tap" >>"$tmp/$name.strace" || exit 2
    done
    [[ $name != play ]] || tap_bytes=$(stat -c %s "$tap")
    rm -f "$tap" "$tmp/trace"
    for ((i = 0; i <= first_frame_runs; i++)); do
        ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$tmp/asoundrc.fifo" \
            python3 "$tmp/first-read.py" "$fifo" "$tmp/stderr" "$@" -D tap >"$tmp/ms" || { cat "$tmp/stderr" >&2; exit 2; }
        ((i > 0)) || continue
        cat "$tmp/ms" >>"$tmp/$name.untraced"
    done
}
first_frame play "${play[@]}" --sample-format s16
first_frame aplay "${aplay_same[@]}" "$wav"
if ((tap_bytes != 44 + frames * 4)); then
    echo "bench: warning: play wrote $(((tap_bytes - 44) / 4)) frames to the tap; the session has $frames" >&2
fi

# --- Live playback on PulseAudio -----------------------------------------

# live NAME COMMAND...: plays COMMAND once on -D pulse under GNU time; writes
# "wall_s cpu_s user_s sys_s rss_kib" to NAME.live.
live() {
    local name=$1 t0 t1
    shift
    echo "bench: live: $name ($session s of sound): $* -D pulse" >&2
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" -D pulse >"$tmp/$name.stdout" 2>"$tmp/stderr"; then
        cat "$tmp/stderr" >&2
        echo "bench: failed: $* -D pulse" >&2
        exit 2
    fi
    t1=$EPOCHREALTIME
    awk -v t0="$t0" -v t1="$t1" -v line="$(tail -n 1 "$tmp/time")" 'BEGIN {
        split(line, f, " ")
        printf "%.3f %.2f %.2f %.2f %d\n", t1 - t0, f[2] + f[3], f[2], f[3], f[4]
    }' >"$tmp/$name.live"
}
live play "${play[@]}"
live aplay-same "${aplay_same[@]}" "$wav"
live aplay-default "${aplay_default[@]}" "$wav"
load_after=$(load)

# One figure of NAME's live run: 1 wall, 2 cpu, 3 user, 4 sys, 5 peak RSS.
field() { cut -d' ' -f"$2" "$tmp/$1.live"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }

revision=$(bench_revision)

# The tables.
printf '\nstretchcue %s (%s), release build; session %s (%s s, %s frames at %s Hz)\n' \
    "$("$bin" --version 2>/dev/null || echo '?')" "$revision" "${routine##*/}" "$session" "$frames" "$rate"
printf 'device: ALSA pulse PCM, PulseAudio %s, null sink; load average %s before, %s after\n\n' \
    "$pulse_version" "$load_before" "$load_after"
printf '%-26s %9s %9s %9s %13s %10s %13s %13s\n' \
    command session wall cpu "user / sys" "peak RSS" "cpu ratio" "RSS ratio"
printf '%-26s %9s %9s %9s %13s %10s %13s %13s\n' "" "" "" "" "" "" "(100ms/dflt)" "(100ms/dflt)"
row() { # NAME LABEL
    printf '%-26s %7s s %7.1f s %7.2f s %13s %6.1f MiB %13s %13s\n' "$2" "$session" "$(field "$1" 1)" \
        "$(field "$1" 2)" "$(field "$1" 3) / $(field "$1" 4)" "$(awk -v k="$(field "$1" 5)" 'BEGIN { print k / 1024 }')" \
        "$(ratio "$(field "$1" 2)" "$(field aplay-same 2)") / $(ratio "$(field "$1" 2)" "$(field aplay-default 2)")" \
        "$(ratio "$(field "$1" 5)" "$(field aplay-same 5)") / $(ratio "$(field "$1" 5)" "$(field aplay-default 5)")"
}
row play "play"
row aplay-same "aplay, 100 ms buffer"
row aplay-default "aplay, its defaults"
printf '\nplay: %s\n' "$(tail -n 1 "$tmp/play.stdout")"
# "played 9:37 of 9:37, 0 underruns, 0 stalls, 0 reopens"; any other count is a fault.
if tail -n 1 "$tmp/play.stdout" | grep -Eq ', [1-9][0-9]* [a-z]'; then
    echo "bench: warning: play did not play the session cleanly (see its summary above)" >&2
fi

printf '\nfirst frame written, ms over %d runs   strace median (min-max)   untraced median (min-max)\n' "$first_frame_runs"
for name in play aplay; do
    printf '%-36s %9s (%s-%s) %17s (%s-%s)\n' "$name on the tap" \
        "$(median <"$tmp/$name.strace")" "$(lowest <"$tmp/$name.strace")" "$(highest <"$tmp/$name.strace")" \
        "$(median <"$tmp/$name.untraced")" "$(lowest <"$tmp/$name.untraced")" "$(highest <"$tmp/$name.untraced")"
done

# The targets.
printf '\ntargets (against aplay with the same 100 ms buffer)\n'
check "play CPU time / aplay's" "$(ratio "$(field play 2)" "$(field aplay-same 2)")" "<=" "$max_cpu_ratio" x
check "play peak RSS / aplay's" "$(ratio "$(field play 5)" "$(field aplay-same 5)")" "<=" "$max_rss_ratio" x
check "play first frame written, untraced median" "$(median <"$tmp/play.untraced")" "<" "$max_first_frame_ms" ms
printf '%-56s %12s    (strace slows the program: a looser bound, not judged)\n' \
    "play first frame written, strace median" "$(median <"$tmp/play.strace") ms"

bench_verdict
