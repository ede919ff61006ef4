#!/bin/sh
# vm-timeout: 1500
# CPU and memory of playing on a kernel driver's hw: device: the same
# session played on hw:Loopback,0 by aplay (render's WAV, aplay's own
# defaults) and by `stretchcue play` with its deep buffer rewound for
# keys, taking turns ROUNDS times (aplay-1, play-1, aplay-2, ...), then
# once by `play --rewind-ms 0` (100 ms, half kept queued: play-norewind),
# each under GNU time (user s, system s, peak RSS KiB, wall s) into
# NAME.time. Each run takes the session's length: 3 rounds of the
# six-pose routine (2:25) fit the VM's timeout.
# Inputs in this folder: program (the path of stretchcue), arguments (the
# routine, one line), rounds (ROUNDS) and session.wav (render's file of
# the routine).
set -u
program=$(cat program)
routine=$(head -n 1 arguments)
measure() {
    name=$1
    shift
    /usr/bin/time -f "%U %S %M %e" -o "$name.time" "$@" > "$name.out" 2> "$name.log" || {
        echo "cpu.sh: $name failed" >&2
        cat "$name.log" >&2
        exit 1
    }
}
rounds=$(cat rounds)
round=1
while [ "$round" -le "$rounds" ]; do
    measure "aplay-$round" aplay -q -D hw:Loopback,0,0 session.wav
    measure "play-$round" "$program" play "$routine" -D hw:Loopback,0,0 --lead-in-ms 0 -v
    round=$((round + 1))
done
measure play-norewind "$program" play "$routine" -D hw:Loopback,0,0 --lead-in-ms 0 --rewind-ms 0 -v
