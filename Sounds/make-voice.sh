#!/bin/sh
# Speaks every line of voice/prompts.txt ("ID | words") into voice/ID.wav:
# festival's HTS voice cmu_us_slt_arctic_hts, trimmed, matched to -20 LUFS
# (EBU R128, measured by `stretchcue loudness`), 24 kHz mono 16-bit.
# Needs festival, festvox-us-slt-hts and sox (Debian), and a built stretchcue
# (swift build; or set STRETCHCUE to the program).
# Usage: Sounds/make-voice.sh [ID...]   (no ID: every prompt)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/voice/prompts.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in text2wave sox; do
    command -v "$tool" >/dev/null || { echo "make-voice.sh: $tool is missing (apt-get install festival festvox-us-slt-hts sox)" >&2; exit 1; }
done
stretchcue=${STRETCHCUE:-$here/../.build/debug/stretchcue}
[ -x "$stretchcue" ] || { echo "make-voice.sh: $stretchcue is missing (run swift build, or set STRETCHCUE)" >&2; exit 1; }

grep -v '^#' "$list" | grep '|' | while IFS='|' read -r id words; do
    id=$(echo "$id" | tr -d ' ')
    if [ $# -gt 0 ]; then
        case " $* " in *" $id "*) ;; *) continue ;; esac
    fi
    word=$(printf '%s' "$words" | tr -d '.,!?' | tr 'A-Z' 'a-z' | sed 's/^ *//; s/ *$//')
    case "$word" in
    *[!a-z]*)
        # A prompt of several words, spoken as written.
        # hts_engine's -r 0.9: a tenth slower than the voice's own rate, calmer to follow.
        printf '%s\n' "$words" > "$work/text"
        text2wave -eval '(voice_cmu_us_slt_arctic_hts)' \
            -eval '(set! hts_engine_params (append hts_engine_params (list (list "-r" 0.9))))' \
            "$work/text" -o "$work/raw.wav"
        ;;
    *)
        # A single word said alone is said badly ("six" comes out as "thanks"):
        # speak it at the end of a carrier sentence and cut it out by
        # festival's own word timings (see Tests/Benchmarks/README.md, clarity).
        cat > "$work/word.scm" <<SCHEME
(voice_cmu_us_slt_arctic_hts)
(set! hts_engine_params (append hts_engine_params (list (list "-r" 0.9))))
(set! utt (utt.synth (Utterance Text "And the last word is $word.")))
(utt.save.wave utt "$work/sentence.wav" 'riff)
(mapcar (lambda (w) (if (string-equal (downcase (item.name w)) "$word")
    (format t "%f %f\\n" (item.feat w "word_start") (item.feat w "word_end"))))
  (utt.relation.items utt 'Word))
SCHEME
        bounds=$(festival -b "$work/word.scm" | tail -n 1)
        [ -n "$bounds" ] || { echo "make-voice.sh: $id: festival did not place \"$word\"" >&2; exit 1; }
        sox "$work/sentence.wav" "$work/raw.wav" trim "${bounds% *}" "=${bounds#* }"
        ;;
    esac
    # Trim silence at both ends, keep 60 ms of air, resample with sox's best filter.
    sox "$work/raw.wav" -c 1 -e float -b 32 "$work/shaped.wav" \
        silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse \
        pad 0.06 0.06 norm -3 rate -v 24000
    # Then match the loudness: every prompt as loud as every other.
    gain=$("$stretchcue" loudness --target=-20 "$work/shaped.wav" | sed -n 's/.*, gain \([-+][0-9.]*\) dB to .*/\1/p')
    sox "$work/shaped.wav" -b 16 "$here/voice/$id.wav" gain "$gain"
    echo "$id: $(soxi -D "$here/voice/$id.wav") s"
done
