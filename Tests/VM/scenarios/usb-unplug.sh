#!/bin/sh
# vm-timeout: 300
# vm-devices: -audiodev wav,id=usb,path=$OUT/before.wav,out.frequency=48000 -audiodev wav,id=usb2,path=$OUT/after.wav,out.frequency=48000 -device qemu-xhci,id=xhci -device usb-audio,id=dac,audiodev=usb,bus=xhci.0
# Plays a routine on qemu's USB sound card (driven by the guest's real
# snd-usb-audio; what it plays lands in before.wav on the host, after.wav once
# plugged back, both at 48 kHz) and has the host
# side (usb-unplug.host) pull the card out mid-session and plug it back.
# Inputs in this folder: program (the path of stretchcue) and arguments (the
# routine and options for play, one per line).
set -u
program=$(cat program)
tries=0
until grep -q "QEMU USB Audio" /proc/asound/cards; do
    tries=$((tries + 1))
    [ "$tries" -le 300 ] || { echo "usb-unplug.sh: no USB sound card after 30 s" >&2; exit 1; }
    sleep 0.1
done
set --
while read -r argument; do set -- "$@" "$argument"; done < arguments
"$program" play "$@" -D plughw:CARD=Audio,DEV=0 --lead-in-ms 500 -v > play.out 2> play.log &
player=$!
# Into the first pose's hold (its status line comes with its announcement),
# the host pulls the card out.
until grep -q "pose 1 of" play.out || ! kill -0 "$player" 2>/dev/null; do sleep 0.1; done
sleep 3
touch pull-out
# A figure: the guest's uptime when the card is back, and when its stream runs again.
(
    until ! grep -q "QEMU USB Audio" /proc/asound/cards; do sleep 0.05; done
    until grep -q "QEMU USB Audio" /proc/asound/cards; do sleep 0.05; done
    back=$(cut -d' ' -f1 /proc/uptime)
    until grep -qs RUNNING /proc/asound/Audio/pcm0p/sub0/status; do sleep 0.05; done
    echo "$back $(cut -d' ' -f1 /proc/uptime)" > replug.times
) &
wait "$player"
