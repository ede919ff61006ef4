#!/bin/sh
# Runs one scenario inside a small Linux VM with real kernel sound drivers,
# so Stretchcue is tested on a kernel `hw:` device, not only through ALSA
# plugins. qemu boots Debian's stock kernel (software emulation: KVM is not
# needed) with a busybox initramfs that loads the sound modules, mounts this
# machine's root read-only over 9p and runs the scenario chrooted into it:
# the guest sees the same programs and libraries as the host, and its own
# kernel, devices and sound cards.
#
#   Tests/VM/vm.sh SCENARIO OUT [MODULE ARGS...]
#
# SCENARIO: a shell script run as root in the guest, in OUT (shared, read
# and write) as its working folder; OUT also receives the guest's console
# (console.log). One with "# vm-boot: systemd" runs as a service of a
# systemd booted on a writable copy of the root, after running itself with
# the argument "setup" there before the boot (see init). MODULE ARGS: extra modules to load with their options,
# e.g. "snd-aloop pcm_substreams=1". Exits with the scenario's exit status
# (written by the guest to OUT/status), 2 when the VM could not run it.
#
# The kernel and initramfs are cached in $STRETCHCUE_VM_CACHE (default
# /var/tmp/stretchcue-vm), outside git; delete it to rebuild.
set -eu
[ $# -ge 2 ] || { echo "usage: Tests/VM/vm.sh SCENARIO OUT [MODULE ARGS...]" >&2; exit 64; }
scenario=$(realpath "$1")
out=$(realpath "$2")
shift 2
cache=${STRETCHCUE_VM_CACHE:-/var/tmp/stretchcue-vm}
kernel_package=${STRETCHCUE_VM_KERNEL:-linux-image-amd64}
fail() { echo "vm.sh: $*" >&2; exit 2; }

# What the harness itself needs from Debian.
missing=""
for tool in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static modprobe:kmod socat:socat udevadm:udev make:make; do
    command -v "${tool%%:*}" >/dev/null || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The kernel: Debian's stock amd64 image (the cloud flavour has no sound).
mkdir -p "$cache"
if [ ! -e "$cache/kernel/ready" ]; then
    rm -rf "$cache/kernel" "$cache/download"
    mkdir -p "$cache/download" "$cache/kernel"
    (cd "$cache/download" && apt-get download -qq "$kernel_package" 2>/dev/null) || fail "cannot download $kernel_package"
    image=$(dpkg-deb -f "$cache/download"/*.deb Depends | sed 's/,.*//; s/ .*//')
    (cd "$cache/download" && apt-get download -qq "$image" 2>/dev/null) || fail "cannot download $image"
    dpkg-deb -x "$cache/download/$image"_*.deb "$cache/kernel"
    rm -rf "$cache/download"
    touch "$cache/kernel/ready"
fi
version=$(ls "$cache/kernel/lib/modules" | head -n 1)
vmlinuz="$cache/kernel/boot/vmlinuz-$version"
[ -e "$vmlinuz" ] || fail "no kernel in $cache/kernel"

# The initramfs: busybox, the modules 9p and the sound cards need, and /init.
modules="virtio_pci 9p 9pnet_virtio overlay xhci_pci snd-aloop snd-usb-audio snd-hda-intel uinput evdev virtio_blk ext4"
# Packed too, but loaded only by a scenario that names them (a card of their own).
on_request="snd-dummy"
# Named by what goes in, so a changed /init or module list builds a new one.
key=$( (cat "$(dirname "$0")/init"; echo "$modules $on_request") | md5sum | cut -c1-12)
initramfs="$cache/initramfs-$version-$key.cpio"
if [ ! -e "$initramfs" ]; then
    depmod -b "$cache/kernel" "$version"
    tree=$(mktemp -d)
    mkdir -p "$tree/bin" "$tree/dev" "$tree/proc" "$tree/sys" "$tree/host" "$tree/out" "$tree/modules"
    cp "$(command -v busybox)" "$tree/bin/busybox"
    for module in $modules; do
        modprobe -d "$cache/kernel" -S "$version" --show-depends "$module" | awk '$1 == "insmod" { print $2 }'
    done | awk '!seen[$0]++' | while read -r path; do
        cp "$path" "$tree/modules/"
        echo "$(basename "$path")" >> "$tree/modules/order"
    done
    for module in $on_request; do
        cp "$(modprobe -d "$cache/kernel" -S "$version" --show-depends "$module" | awk '$1 == "insmod" { print $2 }' | tail -n 1)" "$tree/modules/"
    done
    cp "$(dirname "$0")/init" "$tree/init"
    chmod 755 "$tree/init"
    (cd "$tree" && find . | busybox cpio -o -H newc 2>/dev/null) > "$initramfs.part"
    mv "$initramfs.part" "$initramfs"
    rm -rf "$tree"
fi

mkdir -p "$out"
cp "$scenario" "$out/scenario.sh"
rm -f "$out/status" "$out/console.log"
printf '%s\n' "$@" > "$out/modules"
# How the guest boots: "systemd" after "# vm-boot:" boots systemd as PID 1 (see init).
sed -n 's/^# vm-boot: *//p' "$scenario" | head -n 1 > "$out/boot"
# Wall time allowed: the scenario's own limit, if it states one, else 5 minutes.
limit=$(sed -n 's/^# vm-timeout: *\([0-9]*\).*/\1/p' "$scenario" | head -n 1)
# Devices the scenario wants plugged in ($OUT: its folder), after "# vm-devices:".
devices=$(sed -n 's/^# vm-devices: *//p' "$scenario" | sed "s|\$OUT|$out|g")
# A scenario's host side (NAME.host, beside it) runs here at the same time,
# with OUT and the qemu monitor's socket (OUT/monitor.sock) to act on the VM.
host_side="${scenario%.sh}.host"
rm -f "$out/monitor.sock"
if [ -e "$host_side" ]; then
    sh "$host_side" "$out" > "$out/host.log" 2>&1 &
    host_pid=$!
    trap 'kill "$host_pid" 2>/dev/null || true' EXIT
fi
timeout "${limit:-300}" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
    -kernel "$vmlinuz" -initrd "$initramfs" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$out",mount_tag=out,security_model=none \
    $devices \
    -display none -serial file:"$out/console.log" -monitor unix:"$out/monitor.sock",server,nowait \
    -no-reboot -nodefaults \
    || fail "qemu did not finish (see $out/console.log)"
[ -e "$out/status" ] || fail "the scenario did not finish (see $out/console.log)"
exit "$(cat "$out/status")"
