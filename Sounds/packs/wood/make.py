#!/usr/bin/env python3
"""Makes the "Soft wood" chime pack's sounds: struck wooden bars (a marimba's
partials, 1 : 3.93 : 9.5, each dying away fast) with a felt mallet's soft
attack and a little knock of the wood. Writes the WAV files beside this
script; then `stretchcue packs check wood --write` measures them.

    python3 Sounds/packs/wood/make.py      (needs numpy)
"""
import os
import wave

import numpy

RATE = 48_000
HERE = os.path.dirname(os.path.abspath(__file__))
NOISE = numpy.random.default_rng(7)


def bar(frequency, seconds, decay):
    """One strike of a wooden bar: three partials, a 4 ms felt attack, a knock."""
    t = numpy.arange(int(seconds * RATE)) / RATE
    sound = numpy.zeros_like(t)
    for ratio, level, speed in ((1, 1.0, 1.0), (3.93, 0.25, 3.5), (9.5, 0.06, 9.0)):
        if frequency * ratio < 0.45 * RATE:
            sound += level * numpy.sin(2 * numpy.pi * frequency * ratio * t) * numpy.exp(-t * speed / decay)
    knock = NOISE.standard_normal(len(t)) * numpy.exp(-t / 0.004) * 0.08
    sound += numpy.convolve(knock, numpy.ones(12) / 12, mode="same")
    attack = int(0.004 * RATE)
    sound[:attack] *= 0.5 - 0.5 * numpy.cos(numpy.pi * numpy.arange(attack) / attack)
    return sound


def strikes(notes, seconds, decay):
    """Bars struck one after another: (start in seconds, frequency) each."""
    sound = numpy.zeros(int(seconds * RATE))
    for start, frequency in notes:
        strike = bar(frequency, seconds - start, decay)
        sound[int(start * RATE):int(start * RATE) + len(strike)] += strike
    return sound


def write(name, sound, peak):
    fade = int(0.05 * RATE)
    sound[-fade:] *= numpy.linspace(1, 0, fade)
    sound *= peak / numpy.abs(sound).max()
    with wave.open(os.path.join(HERE, name + ".wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((sound * 32767).round().astype("<i2").tobytes())


write("bell.start", strikes([(0, 146.8), (0.35, 220.0)], 5.0, 1.6), 0.5)
write("bell.end", strikes([(0, 220.0), (0.4, 146.8), (0.8, 110.0)], 6.0, 1.8), 0.5)
write("chime.start", strikes([(0, 587.3)], 1.6, 0.7), 0.45)
write("chime.switch", strikes([(0, 523.3), (0.2, 784.0)], 1.8, 0.6), 0.45)
write("chime.end", strikes([(0, 784.0), (0.22, 523.3)], 2.0, 0.6), 0.45)
write("chime.halfway", strikes([(0, 1046.5)], 0.9, 0.35), 0.25)
write("tick", strikes([(0, 1760.0)], 0.05, 0.03), 0.2)
