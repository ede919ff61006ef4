#!/bin/sh
# vm-timeout: 480
# vm-boot: systemd
# The installed box: the project's install step run in the guest, the unit
# enabled, the guest booted with systemd as PID 1. The service comes up by
# itself (READY, its spoken "ready" on hw:Loopback,0), a button made with
# /dev/uinput (button.py, in this folder) starts a session, a press held
# 1.5 s stops it; then systemd stops the service. What the card plays is
# captured on hw:Loopback,1 into heard.raw (16-bit stereo, 48 kHz) from
# before the service starts.
# Inputs in this folder: program (the built stretchcue), arguments (the
# routine, then the repository to install from, one a line).
set -u
program=$(cat program)
routine=$(sed -n 1p arguments)
repository=$(sed -n 2p arguments)

if [ "${1:-}" = setup ]; then
    # Before the boot, as a user sets up a box (README.md).
    set -e
    make -C "$repository" install-built BINARY="$program" > install.log
    install -m 0644 "$routine" /etc/stretchcue/short.yaml
    cat > /etc/stretchcue/config.yaml <<CONFIG
device: hw:Loopback,0,0
lead_in_ms: 500
routine: /etc/stretchcue/short.yaml
CONFIG
    systemctl enable stretchcue.service
    # The guest boots a copy of this machine's root, with the services this
    # machine enables (a database, avahi, BlueALSA, a snapclient that would
    # play on the card from boot and keep the box from opening it, timers).
    # A box has none of them, and started under software emulation they
    # can take minutes: each one enabled here is masked in the guest.
    for link in /etc/systemd/system/*.wants/*; do
        unit=$(basename "$link")
        case "$unit" in
        stretchcue.service | vm-scenario.service | *.target) ;;
        *) systemctl mask "$unit" > /dev/null 2>&1 || true ;;
        esac
    done
    for service in snapclient snapserver pulseaudio pipewire; do
        systemctl mask "$service.service" > /dev/null 2>&1 || true
    done
    # The capture, running before the service starts (so it holds the
    # "ready" too, and fixes the card's format for the box).
    cat > /etc/systemd/system/vm-capture.service <<UNIT
[Unit]
Description=Captures hw:Loopback,1 for the test
Before=stretchcue.service
[Service]
WorkingDirectory=/mnt
ExecStart=/usr/bin/arecord -q -D hw:Loopback,1,0 -f S16_LE -r 48000 -c 2 -t raw heard.raw
ExecStartPost=/bin/sh -c 'until grep -q "^rate: 48000" /proc/asound/Loopback/pcm1c/sub0/hw_params; do sleep 0.05; done'
[Install]
WantedBy=multi-user.target
UNIT
    systemctl enable vm-capture.service
    exit 0
fi

# Booted. Waits until $1 succeeds, for at most $2 tenths of a second.
await() {
    tries=0
    until eval "$1"; do
        tries=$((tries + 1))
        [ "$tries" -le "$2" ] || { echo "systemd-box.sh: never $1" >&2; systemctl status stretchcue.service >&2; exit 1; }
        sleep 0.1
    done
}
# Ready on its own: a Type=notify service is active once it said READY=1.
await "systemctl is-active -q stretchcue.service" 1200
systemctl show -p StatusText -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic \
    stretchcue.service > ready.txt
# Its spoken "ready": the card's playback side opens, then closes again.
card=/proc/asound/Loopback/pcm0p/sub0/status
await "! grep -q closed $card" 300
await "grep -q closed $card" 300
ctl() { stretchcue ctl "$@"; }
ctl watch > watch.log 2>&1 &
watcher=$!
await "[ -s watch.log ]" 300
seen=$(wc -l < watch.log)
python3 /mnt/button.py press 0.15 > button.log 2>&1
await "tail -n +$((seen + 1)) watch.log | grep -q 'pose 1 of'" 600
grep "pose 1 of" watch.log | head -n 1 > started.status
# In the first pose, a press held 1.5 s.
seen=$(wc -l < watch.log)
python3 /mnt/button.py press 1.5 >> button.log 2>&1
await "tail -n +$((seen + 1)) watch.log | grep -q '^idle'" 300
tail -n 1 watch.log > stopped.status
kill "$watcher"
journalctl -b -u stretchcue.service -o short-monotonic --no-pager > journal.txt
systemctl stop stretchcue.service
systemctl show -p Result -p ExecMainStatus stretchcue.service > stopped.txt
systemctl stop vm-capture.service
STATE_DIRECTORY=/var/lib/stretchcue stretchcue history --json > history.json
