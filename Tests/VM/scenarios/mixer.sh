#!/bin/sh
# vm-timeout: 300
# The box's volume on a card's own control: `stretchcue serve` on the
# kernel's snd-dummy card with `mixer_control: Master` (a control with a dB
# scale, from the driver). The control is set to -20 dB, turned down 2 dB
# over the socket while idle, then a session is started and turned down
# 6 dB; amixer reads the control at each point (mixer.before, mixer.idle,
# mixer.after) and the box's status is kept (volume.status). Load the card with the module argument "snd-dummy".
# Inputs in this folder: program (the path of stretchcue) and arguments
# (the routine, one line).
set -u
program=$(cat program)
routine=$(head -n 1 arguments)
cat > config.yaml <<CONFIG
device: hw:Dummy
mixer_control: Master
lead_in_ms: 0
routine: $routine
socket: /run/box.sock
state_folder: $PWD/state
CONFIG
amixer -q -c Dummy sset Master -- -20dB || { echo "mixer.sh: no Master control on the Dummy card" >&2; exit 1; }
amixer -c Dummy sget Master > mixer.before
"$program" serve --config config.yaml -v > serve.log 2>&1 &
box=$!
ctl() { "$program" ctl "$@" --socket /run/box.sock; }
# Waits until `ctl status` matches $1, for at most a minute.
await() {
    tries=0
    until ctl status 2>/dev/null | grep -q "$1"; do
        tries=$((tries + 1))
        [ "$tries" -le 600 ] || { echo "mixer.sh: never $1" >&2; ctl status >&2; exit 1; }
        sleep 0.1
    done
}
await idle
# Idle, the card's control is the volume too.
ctl volume -2 > idle.json || exit 1
amixer -c Dummy sget Master > mixer.idle
ctl start > start.json || exit 1
await playing
ctl volume -6 > volume.json || exit 1
amixer -c Dummy sget Master > mixer.after
ctl status > volume.status
ctl stop > /dev/null
kill "$box"
wait "$box"
