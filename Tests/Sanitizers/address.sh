#!/bin/sh
# AddressSanitizer over the whole test suite, and LeakSanitizer over a full
# `render` of the built-in session, in a build folder of its own. Exits
# non-zero on any finding. The leaks that are the system libraries' (found
# by fuzzing, and XCTest's own) are suppressed by leaks.supp.
# The suites that need a sound server or a VM run when .ci/test's
# environment is set, as in the plain run; without it they are skipped.
#   Tests/Sanitizers/address.sh
set -eu
cd "$(dirname "$0")/../.."
.ci/setup --test
scratch=.build-asan
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$PWD/Tests/Sanitizers/leaks.supp"
swift build --build-tests --sanitize=address --scratch-path "$scratch"
# Left out, as from thread.sh: the VM scenarios (the program under test
# is the plain build's), and the tests that bound wall time (a stop within
# 200 ms of a hung device; a saver killed within 20 ms of its start, which
# the instrumented saver does not reach in time; the box's status within
# 1 s beside 128 slow or four flooding clients), which the plain run in
# .ci/test holds to their bounds.
swift test --skip-build --sanitize=address --scratch-path "$scratch" --skip 'KernelDeviceTests' \
    --skip aStopEndsASessionWhoseDeviceTakesNothingWithin200Milliseconds --skip aKilledSaveLeavesTheOldPlaceOrTheNewNeverAPart \
    --skip slowClientsInEverySlotDoNotShutOutTheNext --skip fourFloodingClientsDoNotStarveTheNext
# A whole session rendered: every sound made, mixed, limited and written, then freed.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$scratch/debug/stretchcue" render --ambient-noise --pack wood -o "$out/session.wav"
echo "address.sh: no finding"
