#!/bin/sh
# ThreadSanitizer over the tests that drive the audio thread and the control
# thread together (the hand-off queues, the wake-up, the atomics), in a build
# folder of its own; .ci/run runs it after the tests (about 10 minutes).
# Exits non-zero on any finding. thread.supp says what is suppressed and why.
# The two tests that bound wall time (a stop within 200 ms of a hung device;
# no gap of 150 ms between two writes while the control thread edits) are
# left out here: TSan slows every thread 5-15 times (a 563 ms gap under it,
# 26 tests at once, in one CI run), and the uninstrumented run in .ci/test
# holds them to their bounds.
#   Tests/Sanitizers/thread.sh
set -eu
cd "$(dirname "$0")/../.."
.ci/setup --test
scratch=.build-tsan
swift build --build-tests --sanitize=thread --scratch-path "$scratch"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/Tests/Sanitizers/thread.supp" swift test --skip-build --sanitize=thread \
    --scratch-path "$scratch" --filter 'HungDeviceTests|ControlTests|LivePlayerTests|PeriodRendererTests|ReplyPlayerTests' \
    --skip aStopEndsASessionWhoseDeviceTakesNothingWithin200Milliseconds \
    --skip theLoopNeverWaitsOnTheControlThreadOrThePreparers
