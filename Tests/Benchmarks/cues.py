"""Finding a session's planned cues in a recording of it (for soak.sh and
timing-vs-naive.sh): the first 200 ms of each cue as `render` wrote it,
matched by normalized cross-correlation near its planned place."""
import json
import wave

import numpy as np


def load_plan(path):
    return json.load(open(path))


def load_render(path):
    """The left channel of a 16-bit stereo WAV, as floats."""
    with wave.open(path) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)[:, 0].astype(np.float64) / 32768


def load_raw(path):
    """The left channel of a raw 16-bit stereo recording (parec --raw), as floats."""
    return np.fromfile(path, dtype="<i2").reshape(-1, 2)[:, 0].astype(np.float64) / 32768


def best_match(snippet, window, near_best=0.05, pieces=10):
    """The lag in `window` where `snippet` matches best, and how well (1 = the same shape).

    First by normalized correlation over the whole snippet; then, among the
    peaks of that score within `near_best` of the best, the lag where the
    snippet's `pieces` match best one by one (each piece's correlation
    normalized on its own, weighted by the piece's energy). A gain that
    changes along the snippet (a volume ramp) spoils the first score a
    little everywhere, and can lift a look-alike lag a period or a beat
    away above the true one; piece by piece the ramp hardly counts."""
    products = np.correlate(window, snippet, mode="valid")
    energy = np.concatenate(([0.0], np.cumsum(window * window)))
    norms = np.sqrt(np.maximum(energy[len(snippet):] - energy[: len(energy) - len(snippet)], 0)) * np.linalg.norm(snippet)
    score = np.where(norms > 1e-12, products / np.maximum(norms, 1e-12), 0)
    best = float(np.max(score))
    padded = np.concatenate(([-np.inf], score, [-np.inf]))
    peaks = np.flatnonzero((score >= best - near_best) & (score >= padded[:-2]) & (score >= padded[2:]))
    bounds = np.linspace(0, len(snippet), pieces + 1).astype(int)
    parts = [(snippet[a:b], a, b) for a, b in zip(bounds[:-1], bounds[1:]) if np.any(snippet[a:b])]

    def piecewise(lag):
        total = weight = 0.0
        for part, a, b in parts:
            heard = window[lag + a : lag + b]
            size = np.linalg.norm(part)
            norm = size * np.linalg.norm(heard)
            total += size * (np.dot(part, heard) / norm if norm > 1e-12 else 0)
            weight += size
        return total / weight if weight > 0 else 0.0

    lag = int(max(peaks, key=piecewise))
    return lag, float(piecewise(lag))


def session_start(rendered, heard, rate, within_seconds=60):
    """Where the session's first two seconds begin in the recording's first minute."""
    opening = rendered[: 2 * rate]
    start = heard[: within_seconds * rate + len(opening)]
    size = 2 * len(start)
    products = np.fft.irfft(np.fft.rfft(start, size) * np.conj(np.fft.rfft(opening, size)))[: len(start) - len(opening)]
    return int(np.argmax(products))


def find_cues(plan, rendered, heard, offset, search_seconds=0.05, kinds=None, threshold=0.9):
    """Each cue's onset error in ms (heard against planned, from `offset`),
    and the cues not found: (seconds, kind, why). Only cues of `kinds`, if given."""
    rate = plan["sampleRate"]
    search = int(search_seconds * rate)
    length = rate // 5
    errors, not_found = [], []
    for cue in plan["cues"]:
        if kinds is not None and cue["kind"] not in kinds:
            continue
        frame = cue["frame"]
        snippet = rendered[frame : frame + length]
        place = offset + frame
        window = heard[max(0, place - search) : place + search + len(snippet)]
        if place < search:  # the recording starts inside the search: silence before it
            window = np.concatenate((np.zeros(search - place), window))
        if len(window) < len(snippet) + 2 * search:
            not_found.append((frame / rate, cue["kind"], "past the recording"))
            continue
        if not np.any(snippet):
            not_found.append((frame / rate, cue["kind"], "silent in the render"))
            continue
        lag, score = best_match(snippet, window)
        if score < threshold:
            not_found.append((frame / rate, cue["kind"], f"best match {score:.2f}"))
        else:
            errors.append((frame / rate, (lag - search) / rate * 1000))
    return errors, not_found


def end_error(rendered, heard, offset, rate, search_seconds=0.5):
    """How late (ms) the session's last two seconds of sound are heard, against the plan."""
    last = np.nonzero(np.abs(rendered) > 1e-4)[0]
    end = int(last[-1]) + 1 if len(last) else len(rendered)
    closing = rendered[max(0, end - 2 * rate) : end]
    place = offset + end - len(closing)
    search = int(search_seconds * rate)
    window = heard[max(0, place - search) : place + search + len(closing)]
    lag, score = best_match(closing, window)
    return (lag - min(search, place)) / rate * 1000, score
