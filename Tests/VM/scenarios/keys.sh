#!/bin/sh
# vm-timeout: 400
# Keys on a card that rewinds: `stretchcue serve` on hw:Loopback,0 with every
# layer muted, so only earcons are heard, plays a session; key_latency.py
# captures hw:Loopback,1 and times each `volume` command sent down the
# socket to its earcon's first frame (latencies.txt, ms). Then the same with
# --rewind-ms 0 (rewind_ms: 0), into latencies-0.txt.
# Inputs in this folder: program (the path of stretchcue) and arguments
# (the routine, then the repository's root, one a line).
set -u
program=$(cat program)
routine=$(sed -n 1p arguments)
root=$(sed -n 2p arguments)
for rewind in 500 0; do
    suffix=$([ "$rewind" = 0 ] && echo "-0" || echo "")
    cat > config.yaml <<CONFIG
device: hw:Loopback,0,0
rewind_ms: $rewind
lead_in_ms: 500
routine: $routine
mute: [voice, chime, breath]
socket: /run/box.sock
state_folder: $PWD/state$suffix
CONFIG
    "$program" serve --config config.yaml -v > "serve$suffix.log" 2>&1 &
    box=$!
    ctl() { "$program" ctl "$@" --socket /run/box.sock; }
    tries=0
    until ctl status > /dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -le 600 ] || { echo "keys.sh: the box never answered" >&2; exit 1; }
        sleep 0.1
    done
    ctl start > /dev/null
    python3 "$root/Tests/VM/key_latency.py" /run/box.sock 8 "latencies$suffix.txt" || exit 1
    ctl stop > /dev/null
    kill -TERM "$box"
    wait "$box"
done
