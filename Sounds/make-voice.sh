#!/bin/sh
# Speaks every line of voice/prompts.txt ("ID | words") into voice/ID.wav:
# festival's HTS voice cmu_us_slt_arctic_hts, trimmed, normalized to -3 dBFS,
# 24 kHz mono 16-bit. Needs festival, festvox-us-slt-hts and sox (Debian).
# Usage: Sounds/make-voice.sh [ID...]   (no ID: every prompt)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/voice/prompts.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in text2wave sox; do
    command -v "$tool" >/dev/null || { echo "make-voice.sh: $tool is missing (apt-get install festival festvox-us-slt-hts sox)" >&2; exit 1; }
done

grep -v '^#' "$list" | grep '|' | while IFS='|' read -r id words; do
    id=$(echo "$id" | tr -d ' ')
    if [ $# -gt 0 ]; then
        case " $* " in *" $id "*) ;; *) continue ;; esac
    fi
    printf '%s\n' "$words" > "$work/text"
    # hts_engine's -r 0.9: a tenth slower than the voice's own rate, calmer to follow.
    text2wave -eval '(voice_cmu_us_slt_arctic_hts)' \
        -eval '(set! hts_engine_params (append hts_engine_params (list (list "-r" 0.9))))' \
        "$work/text" -o "$work/raw.wav"
    # Trim silence at both ends, keep 60 ms of air, level to -3 dBFS, resample with sox's best filter.
    sox "$work/raw.wav" -b 16 -c 1 "$here/voice/$id.wav" \
        silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse \
        pad 0.06 0.06 norm -3 rate -v 24000
    echo "$id: $(soxi -D "$here/voice/$id.wav") s"
done
