"""The figures of a soak run (see soak.sh): every planned cue found in the
recording and how far from its place, the session's end, the underruns and
stalls the box counted, and its RSS from minute 5 on. Exits 1 when a target
is missed.

Usage: soak-analyse.py PLAN.json RENDER.wav HEARD.raw RSS.log SERVE.log
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cues import end_error, find_cues, load_plan, load_raw, load_render, session_start  # noqa: E402

plan_path, render_path, heard_path, rss_path, log_path = sys.argv[1:6]
plan = load_plan(plan_path)
rate = plan["sampleRate"]
rendered = load_render(render_path)
heard = load_raw(heard_path)
missed = False


def check(what, value, ok, target):
    global missed
    missed |= not ok
    print(f"{what:<52} {value:>18}   target {target:<14} {'ok' if ok else 'MISSED'}")


offset = session_start(rendered, heard, rate)
found, not_found = find_cues(plan, rendered, heard, offset, search_seconds=0.25)
errors = [error for _, error in found]
errors_abs = np.abs(errors) if errors else np.array([np.inf])
print(f"cues: {len(plan['cues'])} planned, {len(errors)} found; session at frame {offset} of the recording")
for seconds, kind, why in not_found[:10]:
    print(f"  not found: {kind} at {seconds:.3f} s ({why})")
check("every cue found", f"{len(errors)}/{len(plan['cues'])}", not not_found, "all")
check("median cue onset error", f"{np.median(errors_abs):.3f} ms", np.median(errors_abs) <= 2, "<= 2 ms")
check("worst cue onset error", f"{np.max(errors_abs):.3f} ms", np.max(errors_abs) <= 2, "<= 2 ms")

# The end: the session's last two seconds of sound, found in the recording.
ended, score = end_error(rendered, heard, offset, rate)
check("end of the session against the plan", f"{ended:+.3f} ms", abs(ended) <= 2 and score >= 0.9, "within 2 ms")

log = open(log_path, errors="replace").read()
summary = re.findall(r"session (played|stopped after) [^;\n]*?(\d+) underruns?, (\d+) stalls?, (\d+) reopens?", log)
if summary:
    _, underruns, stalls, reopens = summary[-1]
    line = re.findall(r"session (?:played|stopped after)[^\n]*", log)[-1]
    print(f"box's summary: {line}")
    check("underruns", underruns, int(underruns) == 0 or (not not_found and np.max(errors_abs) <= 2), "0, else no cue lost")
    check("stalls", stalls, True, "(reported)")
else:
    check("the box's summary line", "missing", False, "present")

samples = [tuple(map(int, line.split())) for line in open(rss_path) if len(line.split()) == 2]
late = [rss for seconds, rss in samples if seconds >= 300]
if late:
    print(f"RSS: {len(samples)} samples, peak {max(rss for _, rss in samples) / 1024:.1f} MiB")
    check("RSS growth from minute 5 to the end", f"{(max(late) - min(late)) / 1024:.2f} MiB", max(late) - min(late) <= 1024, "<= 1 MiB")
else:
    check("RSS samples after minute 5", "none", False, "some")
sys.exit(1 if missed else 0)
