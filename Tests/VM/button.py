#!/usr/bin/python3
"""A button made with /dev/uinput, as a GPIO button's gpio-key overlay makes
one: a kernel input device with KEY_PLAYPAUSE. Pressed as the test says.

    button.py press SECONDS [press SECONDS ...]

creates the device, waits a second for it to be seen, then presses the key
for each SECONDS, a second apart, and removes the device."""
import fcntl
import os
import struct
import sys
import time

UI_SET_EVBIT = 0x40045564
UI_SET_KEYBIT = 0x40045565
UI_DEV_CREATE = 0x5501
UI_DEV_DESTROY = 0x5502
EV_SYN, EV_KEY = 0, 1
KEY_PLAYPAUSE = 164


def emit(device, kind, code, value):
    now = time.time()
    os.write(device, struct.pack("qqHHi", int(now), int((now % 1) * 1e6), kind, code, value))


def main(arguments):
    device = os.open("/dev/uinput", os.O_WRONLY | os.O_NONBLOCK)
    fcntl.ioctl(device, UI_SET_EVBIT, EV_KEY)
    fcntl.ioctl(device, UI_SET_KEYBIT, KEY_PLAYPAUSE)
    # struct uinput_user_dev: name[80], id (bus, vendor, product, version), ff_effects_max, abs arrays.
    setup = struct.pack("80sHHHHi", b"stretchcue test button", 0x19, 1, 1, 1, 0) + bytes(4 * 64 * 4)
    os.write(device, setup)
    fcntl.ioctl(device, UI_DEV_CREATE)
    time.sleep(1)
    for held in [float(value) for value in arguments[1::2]]:
        emit(device, EV_KEY, KEY_PLAYPAUSE, 1)
        emit(device, EV_SYN, 0, 0)
        time.sleep(held)
        emit(device, EV_KEY, KEY_PLAYPAUSE, 0)
        emit(device, EV_SYN, 0, 0)
        print("pressed %.2f s" % held, flush=True)
        time.sleep(1)
    fcntl.ioctl(device, UI_DEV_DESTROY)
    os.close(device)


if __name__ == "__main__":
    main(sys.argv[1:])
