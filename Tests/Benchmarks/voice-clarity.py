#!/usr/bin/env python3
"""How well an independent speech recognizer understands a voice pack.

Transcribes every prompt of a voice folder with pocketsphinx (PyPI; its wheel
carries its own US English model, nothing shared with the voice that spoke
the prompts) and prints the word error rate of the single-word prompts (the
numbers, "minute", "cow", ...) and of the connected ones, with every
single word it got wrong. A measurement, not a gate: it always exits 0 when
it could run (2 when it could not).

    Tests/Benchmarks/voice-clarity.py [VOICE_FOLDER]    # default Sounds/voice

Needs sox and `pip install pocketsphinx`.
"""
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Sounds", "voice")
prompts = os.path.join(here, "..", "..", "Sounds", "voice", "prompts.txt")

try:
    from pocketsphinx import Decoder
except ImportError:
    sys.exit("voice-clarity.py: pocketsphinx is missing (pip install pocketsphinx)")


def words(text):
    """Lowercase words without punctuation."""
    return re.findall(r"[a-z']+", text.lower())


def errors(reference, hypothesis):
    """Word-level edit distance."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1]


def transcribe(decoder, path):
    """The recognizer's words for one file, resampled to its 16 kHz."""
    raw = subprocess.run(
        ["sox", path, "-t", "raw", "-r", "16000", "-b", "16", "-c", "1", "-e", "signed-integer", "-"],
        check=True, capture_output=True).stdout
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return words(hypothesis.hypstr) if hypothesis else []


def main():
    decoder = Decoder(samprate=16000, loglevel="FATAL")
    totals = {"single": [0, 0], "connected": [0, 0]}
    misses = []
    for line in open(prompts):
        if line.startswith("#") or "|" not in line:
            continue
        name, text = (part.strip() for part in line.split("|", 1))
        path = os.path.join(folder, name + ".wav")
        if not os.path.exists(path):
            continue
        reference = words(text)
        heard = transcribe(decoder, path)
        kind = "single" if len(reference) == 1 else "connected"
        wrong = errors(reference, heard)
        totals[kind][0] += wrong
        totals[kind][1] += len(reference)
        if kind == "single" and wrong:
            misses.append(f"{name} ({reference[0]}): heard \"{' '.join(heard)}\"")
    for kind, (wrong, count) in totals.items():
        rate = wrong / count if count else float("nan")
        print(f"{kind} words: word error rate {rate:.2f} ({wrong} errors in {count} words)")
    for miss in misses:
        print("  " + miss)


if __name__ == "__main__":
    try:
        main()
    except (OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"voice-clarity.py: {error}")
