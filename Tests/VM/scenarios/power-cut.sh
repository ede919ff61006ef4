#!/bin/sh
# vm-timeout: 300
# vm-devices: -drive file=$OUT/state.img,if=virtio,format=raw
# A power cut and what comes after, in two boots of the guest, with the
# box's state folder on an ext4 disk (state.img). Given "cut" (the first
# line of arguments after the routine), the box plays on hw:Loopback,0 and
# the host side (power-cut.host) pulls the plug (qemu's `quit`, no
# shutdown) once the session is in its second pose. Given "resume", a box
# booted afresh is asked to go on where it was; what it plays is captured
# on hw:Loopback,1 into heard.raw (16-bit stereo at 48 kHz).
set -u
program=$(cat program)
routine=$(sed -n 1p arguments)
step=$(sed -n 2p arguments)
mkdir -p /run/state
mount -t ext4 /dev/vda /run/state || { echo "power-cut.sh: no state disk" >&2; exit 1; }
cat > /run/config.yaml <<CONFIG
device: hw:Loopback,0,0
lead_in_ms: 500
routine: $routine
socket: /run/box.sock
state_folder: /run/state
CONFIG
[ "$step" = resume ] && cp /run/state/place.yaml place-after-the-cut.yaml 2>/dev/null
"$program" serve --config /run/config.yaml -v > "serve-$step.log" 2>&1 &
box=$!
ctl() { "$program" ctl "$@" --socket /run/box.sock; }
tries=0
until ctl status > /dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || { echo "power-cut.sh: the box never answered" >&2; exit 1; }
    sleep 0.1
done
ctl watch > "watch-$step.log" 2>&1 &
if [ "$step" = cut ]; then
    ctl start > /dev/null
    until grep -q "pose 2 of" watch-cut.log; do sleep 0.1; done
    # Into the second pose: the place was saved as it began.
    sleep 1
    touch pull-the-plug
    sleep 60
    echo "power-cut.sh: the plug was not pulled" >&2
    exit 1
fi
# Past the spoken "ready", the capture starts, then the box is asked to go on.
sleep 6
arecord -q -D hw:Loopback,1,0 -f S16_LE -r 48000 -c 2 -t raw heard.raw &
recorder=$!
until grep -q "^rate: 48000" /proc/asound/Loopback/pcm1c/sub0/hw_params 2>/dev/null; do sleep 0.05; done
ctl start --resume > /dev/null
until grep -q "pose 2 of" "watch-$step.log"; do sleep 0.1; done
sleep 6
ctl stop > /dev/null
until tail -n 1 "watch-$step.log" | grep -q "^idle"; do sleep 0.1; done
kill -TERM "$box"
wait "$box"
status=$?
kill "$recorder"
wait "$recorder" 2>/dev/null
exit "$status"
