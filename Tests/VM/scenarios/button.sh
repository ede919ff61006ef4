#!/bin/sh
# vm-timeout: 300
# The box on a kernel: `stretchcue serve` on hw:Loopback,0 (captured on
# hw:Loopback,1 into heard.raw, 16-bit stereo at 48 kHz), started by a
# button made with /dev/uinput (Tests/VM/button.py): a short press starts
# the session, a press held 1.5 s in its first pose stops it.
# Inputs in this folder: program (the path of stretchcue) and arguments
# (the routine, one line).
set -u
program=$(cat program)
routine=$(head -n 1 arguments)
here=$(dirname "$(realpath "$0")")
cat > config.yaml <<CONFIG
device: hw:Loopback,0,0
lead_in_ms: 500
routine: $routine
socket: /run/box.sock
state_folder: $PWD/state
CONFIG
arecord -q -D hw:Loopback,1,0 -f S16_LE -r 48000 -c 2 -t raw heard.raw &
recorder=$!
until grep -q "^rate: 48000" /proc/asound/Loopback/pcm1c/sub0/hw_params 2>/dev/null; do
    kill -0 "$recorder" 2>/dev/null || { echo "button.sh: arecord failed" >&2; exit 1; }
    sleep 0.05
done
"$program" serve --config config.yaml -v > serve.log 2>&1 &
box=$!
ctl() { "$program" ctl "$@" --socket /run/box.sock; }
tries=0
until ctl status > /dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || { echo "button.sh: the box never answered" >&2; exit 1; }
    sleep 0.1
done
# Every change of status, as it happens (a program started under emulation
# takes a second: asking again and again would be too slow to follow).
ctl watch > watch.log 2>&1 &
watcher=$!
# Waits until a status line after the first $3 matches $1, for at most $2
# tenths of a second.
await() {
    tries=0
    until tail -n "+$(($3 + 1))" watch.log | grep -q "$1"; do
        tries=$((tries + 1))
        [ "$tries" -le "$2" ] || { echo "button.sh: never $1" >&2; cat watch.log >&2; exit 1; }
        sleep 0.1
    done
}
# Past the spoken "ready", then a short press.
sleep 5
python3 /mnt/button.py press 0.15 > button.log 2>&1
await "pose 1 of" 600 0
grep "pose 1 of" watch.log | head -n 1 > started.status
# In the first pose, a press held 1.5 s.
seen=$(wc -l < watch.log)
python3 /mnt/button.py press 1.5 >> button.log 2>&1
await "^idle" 300 "$seen"
tail -n 1 watch.log > stopped.status
kill "$watcher"
kill -TERM "$box"
wait "$box"
status=$?
sleep 0.5
kill "$recorder"
wait "$recorder" 2>/dev/null
"$program" history --json --config config.yaml > history.json
exit "$status"
