#!/bin/sh
# vm-timeout: 1500
# CPU and memory of playing on a kernel driver's hw: device: the same
# session played on hw:Loopback,0 by aplay (render's WAV, aplay's own
# defaults), by `stretchcue play` with its deep buffer rewound for keys,
# and by `play --rewind-ms 0` (100 ms, half kept queued), one after the
# other, each under GNU time (user s, system s, peak RSS KiB, wall s) into
# aplay.time, play.time and play-0.time.
# Inputs in this folder: program (the path of stretchcue), arguments (the
# routine, one line) and session.wav (render's file of it).
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
measure aplay aplay -q -D hw:Loopback,0,0 session.wav
measure play "$program" play "$routine" -D hw:Loopback,0,0 --lead-in-ms 0 -v
measure play-0 "$program" play "$routine" -D hw:Loopback,0,0 --lead-in-ms 0 --rewind-ms 0 -v
