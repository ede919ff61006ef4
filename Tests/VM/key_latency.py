#!/usr/bin/env python3
"""Measures command-to-earcon time on a sound card, from outside the program.

Usage: key_latency.py SOCKET COUNT OUT

A box plays a session with every layer muted on hw:Loopback,0; this script
captures hw:Loopback,1 (in the float format the box opened the card
in) in 5 ms periods, stamping each on the monotonic
clock as it arrives. Once the capture has been silent for a second, it
sends `volume -2` or `volume +2` (in turn) down the control socket, noting
the time just before, and finds the first loud frame after it: the
earcon's onset, timed as its period's arrival less the frames after it in
that period. Then it waits for a second of silence again, COUNT times.
Writes one latency in milliseconds a line to OUT; exits 1 when an earcon
is not heard within 2 s.
"""
import array
import socket
import subprocess
import sys
import time

RATE = 48000
PERIOD = 240
LOUD = 0.01  # -40 dBFS: only an earcon is this loud
FRAME = 8  # bytes: two channels of 32-bit float, the format the box opened the card in


def main():
    path, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    capture = subprocess.Popen(
        ["arecord", "-q", "-D", "hw:Loopback,1,0", "-f", "FLOAT_LE", "-r", str(RATE), "-c", "2", "-t", "raw",
         f"--period-size={PERIOD}", f"--buffer-size={PERIOD * 8}"],
        stdout=subprocess.PIPE, bufsize=0)
    box = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    box.connect(path)

    def period():
        """The next period's loudest sample, its first loud frame, and when it arrived."""
        data = b""
        while len(data) < PERIOD * FRAME:
            chunk = capture.stdout.read(PERIOD * FRAME - len(data))
            if not chunk:
                sys.exit("key_latency.py: the capture ended")
            data += chunk
        arrived = time.monotonic()
        samples = array.array("f", data)
        loud = next((i // 2 for i, s in enumerate(samples) if abs(s) > LOUD), None)
        return loud, arrived

    def quiet_for(seconds):
        needed = int(seconds * RATE / PERIOD)
        run = 0
        while run < needed:
            loud, _ = period()
            run = 0 if loud is not None else run + 1

    latencies = []
    for key in range(count):
        quiet_for(1.0)
        sent = time.monotonic()
        box.sendall(b"volume -2\n" if key % 2 == 0 else b"volume +2\n")
        while True:
            loud, arrived = period()
            if loud is not None:
                onset = arrived - (PERIOD - loud) / RATE
                latencies.append((onset - sent) * 1000)
                break
            if arrived - sent > 2:
                sys.exit(f"key_latency.py: no earcon within 2 s of key {key + 1}")
    with open(out, "w") as file:
        file.writelines(f"{latency:.1f}\n" for latency in latencies)
    capture.terminate()


if __name__ == "__main__":
    main()
