#!/usr/bin/env bash
# Benchmarks live playback on a PipeWire server in a release build:
# `stretchcue play` of a session through PipeWire's own ALSA plugin against
# `aplay` playing the rendered WAV of the same session through the same PCM
# and `pw-play` (PipeWire's own player) playing it to the same sink, one after
# the other. For each: CPU time (user + sys), peak RSS, and wake-ups (the
# voluntary context switches GNU time counts: each is a sleep that ended).
# Figures only: the targets are judged on PulseAudio (play-vs-aplay.sh).
#
# Usage: Tests/Benchmarks/play-on-pipewire.sh [--session ROUTINE]
#   ROUTINE  a built-in routine name or a routine file (YAML); default the
#            built-in back-tension (9:37; the script then takes 30 minutes)
# Exit status: 0 measured, 2 a setup or usage error.
#
# The server is a private one (.ci/pipewire: pipewire, wireplumber,
# pipewire-pulse and a null sink "virt", in a temporary XDG_RUNTIME_DIR), its
# ALSA plugin unpacked from Debian's pipewire-alsa and named in
# ALSA_CONFIG_PATH. play runs with --lead-in-ms 0 --buffer-ms 100 and aplay
# with --buffer-time=100000 --period-time=25000, the same buffer.
set -euo pipefail
export LC_ALL=C

routine=back-tension
while (($#)); do
    case $1 in
    -s | --session) (($# >= 2)) || { echo "usage: $0 [--session ROUTINE]" >&2; exit 2; }; routine=$2; shift 2 ;;
    --session=*) routine=${1#*=}; shift ;;
    -h | --help) echo "usage: $0 [--session ROUTINE]"; exit 0 ;;
    *) echo "usage: $0 [--session ROUTINE]" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/../.."
for tool in /usr/bin/time aplay pw-play; do
    command -v "$tool" >/dev/null || { echo "play-on-pipewire: $tool is missing (.ci/setup --test)" >&2; exit 2; }
done

swift build -c release --product stretchcue >/dev/null
program=.build/release/stretchcue
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run
mkdir -m 700 "$XDG_RUNTIME_DIR"
export DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG_RUNTIME_DIR/bus
finish() {
    .ci/pipewire stop
    rm -rf "$work"
}
trap finish EXIT
.ci/pipewire start
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$XDG_RUNTIME_DIR/pipewire-alsa.conf

"$program" render "$routine" -o "$work/session.wav" >/dev/null
measure() {
    local name=$1
    shift
    /usr/bin/time -f "%U %S %M %w" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
        echo "play-on-pipewire: $name failed: $(tail -3 "$work/err")" >&2
        exit 2
    }
    awk -v name="$name" '{ printf "| %s | %.2f | %.1f | %d |\n", name, $1 + $2, $3 / 1024, $4 }' "$work/time"
}
echo "| player | CPU s | peak RSS MiB | wake-ups |"
echo "| --- | ---: | ---: | ---: |"
measure "stretchcue play -D pipewire" "$program" play "$routine" -D pipewire --lead-in-ms 0 --buffer-ms 100 --no-mpris
measure "aplay -D pipewire" aplay -q -D pipewire --buffer-time=100000 --period-time=25000 "$work/session.wav"
measure "pw-play --target virt" pw-play --target virt "$work/session.wav"
