#!/bin/sh
# The remote in a real browser against a real box (Tests/Remote/browser_test.py),
# with a private PulseAudio null sink; screenshots go to docs/.
#   Tests/Remote/run.sh [BINARY]     (default .build/debug/stretchcue)
# Needs chromium, chromium-driver, python3-selenium, pulseaudio (.ci/setup --test); run by
# Debian's own python3, which has python3-selenium, whatever python3 comes first on PATH.
set -eu
cd "$(dirname "$0")/../.."
binary=$(realpath "${1:-.build/debug/stretchcue}")
XDG_RUNTIME_DIR=$(mktemp -d /tmp/stretchcue-remote-pulse.XXXX)
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR STRETCHCUE_PULSE_SINK=virt
.ci/pulse start
trap '.ci/pulse stop; rm -rf "$XDG_RUNTIME_DIR"' EXIT
/usr/bin/python3 Tests/Remote/browser_test.py "$binary" docs
