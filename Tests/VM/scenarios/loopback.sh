#!/bin/sh
# vm-timeout: 300
# Plays a routine on the loopback card's hw:Loopback,0 and captures what the
# kernel delivers on hw:Loopback,1 into heard.raw (16-bit stereo, 48 kHz).
# Inputs in this folder: program (the path of stretchcue) and arguments (the
# routine and options for play, one per line).
set -u
program=$(cat program)
arecord -q -D hw:Loopback,1,0 -f S16_LE -r 48000 -c 2 -t raw heard.raw &
recorder=$!
# The capture side opens first and fixes the format the playback side must take.
until grep -q "^rate: 48000" /proc/asound/Loopback/pcm1c/sub0/hw_params 2>/dev/null; do
    kill -0 "$recorder" 2>/dev/null || { echo "loopback.sh: arecord failed" >&2; exit 1; }
    sleep 0.05
done
set --
while read -r argument; do set -- "$@" "$argument"; done < arguments
"$program" play "$@" -D hw:Loopback,0,0 --lead-in-ms 500 -v > play.out 2> play.log
status=$?
# What the card still holds reaches the capture within a buffer.
sleep 0.5
kill "$recorder"
wait "$recorder" 2>/dev/null
exit "$status"
