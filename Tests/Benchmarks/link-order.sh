#!/usr/bin/env bash
# Writes Sources/stretchcue/link-order.txt: the functions of the program that
# its common runs execute, which a release build's linker places first and
# together (Package.swift), so a session touches fewer pages of the program
# and its peak RSS is smaller (BENCHMARKS.md, "Where play's RSS goes").
#
# Usage: Tests/Benchmarks/link-order.sh
# Exit status: 0 written, 2 a setup error.
#
# How: a release build run under valgrind's callgrind for `--help`, `plan`,
# `packs check`, `render` and `play` of the six-pose routine (2:25), on ALSA's null
# device and on a private PulseAudio server (as .ci/pulse starts it); every
# function of the program that any of them executed is listed, by its
# mangled name. Run it again after large changes: a function missing from the
# list still works, it is only placed among the rest. Names in the list that
# the program no longer has are ignored by the linker. The build system does
# not watch the list: remove a built program to have it linked anew.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Tests/Benchmarks/common.sh
bench_install valgrind:valgrind
if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then .ci/setup --test >&2; fi
bench_require python3 swift valgrind pulseaudio pactl

bench_private_runtime link-order

bench_build
# valgrind cannot read all of the Swift compiler's debug information: a copy without it, symbols kept.
strip --strip-debug -o "$tmp/stretchcue" "$bin"
bin=$tmp/stretchcue
export STRETCHCUE_SOUNDS=$PWD/Sounds
bench_six_poses >"$tmp/six.yaml"
.ci/pulse start >&2 || exit 2

# profile NAME ARGUMENT...: the program under callgrind, names as the symbol table has them.
profile() {
    local name=$1
    shift
    echo "bench: callgrind: stretchcue $*" >&2
    valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$tmp/callgrind.$name" \
        "$bin" "$@" >/dev/null 2>"$tmp/valgrind.$name" || {
        cat "$tmp/valgrind.$name" >&2
        echo "bench: stretchcue $* failed under valgrind" >&2
        exit 2
    }
}
profile help --help
profile plan plan
profile check packs check default
profile render render "$tmp/six.yaml" -o "$tmp/six.wav"
profile null play "$tmp/six.yaml" -D null --lead-in-ms 0
profile pulse play "$tmp/six.yaml" -D pulse --lead-in-ms 0

python3 - "$bin" "$tmp"/callgrind.* >Sources/stretchcue/link-order.txt <<'EOF'
import os, re, sys
program = os.path.realpath(sys.argv[1])
names = {}
for path in sys.argv[2:]:
    in_program = False
    for line in open(path, errors="replace"):
        if line.startswith("ob="):
            in_program = os.path.realpath(line[3:].strip()) == program
        elif line.startswith("fn=") and in_program:
            # valgrind marks a second function of the same name "'2"; unnamed code is an address.
            name = re.sub(r"'\d+$", "", line[3:].strip())
            if not name.startswith("0x"):
                names.setdefault(name, None)
if len(names) < 500:
    sys.exit(f"bench: only {len(names)} functions of the program found in the profiles")
print("\n".join(names))
EOF
echo "bench: wrote Sources/stretchcue/link-order.txt ($(wc -l <Sources/stretchcue/link-order.txt) functions)" >&2
