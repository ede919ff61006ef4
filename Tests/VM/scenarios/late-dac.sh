#!/bin/sh
# vm-timeout: 300
# vm-devices: -audiodev wav,id=usb,path=$OUT/heard.wav,out.frequency=48000 -device qemu-xhci,id=xhci
# The box started with no sound card at all: asked to play, it waits; the
# host side (late-dac.host) plugs qemu's USB sound card in 20 s later (what
# it plays lands in heard.wav on the host), and the box plays the session.
# Inputs in this folder: program (the path of stretchcue) and arguments
# (the routine, one line).
set -u
program=$(cat program)
routine=$(head -n 1 arguments)
cat > config.yaml <<CONFIG
device: plughw:CARD=Audio,DEV=0
lead_in_ms: 500
routine: $routine
socket: /run/box.sock
state_folder: /run/state
CONFIG
"$program" serve --config config.yaml -v > serve.log 2>&1 &
box=$!
ctl() { "$program" ctl "$@" --socket /run/box.sock; }
tries=0
until ctl status > /dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || { echo "late-dac.sh: the box never answered" >&2; exit 1; }
    sleep 0.1
done
ctl watch > watch.log 2>&1 &
watcher=$!
# The watcher's first line (the box idle) before asking it to play, so the
# log shows the whole story whichever process the guest runs first.
tries=0
until [ -s watch.log ]; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || { echo "late-dac.sh: the watcher never answered" >&2; exit 1; }
    sleep 0.1
done
ctl start > start.out
touch plug-in
tries=0
until tail -n +3 watch.log | grep -q "^idle"; do
    tries=$((tries + 1))
    [ "$tries" -le 1800 ] || { echo "late-dac.sh: the session never ended" >&2; cat watch.log >&2; exit 1; }
    sleep 0.1
done
kill "$watcher"
kill -TERM "$box"
wait "$box"
