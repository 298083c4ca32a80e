#!/bin/sh
# Builds bake's default base image: a small Debian 12 cloud-style qcow2 (kernel, systemd,
# openssh-server, sudo, cloud-init with NoCloud, systemd-networkd DHCP, GRUB in the MBR).
# Usage: build.sh OUTPUT.qcow2   (run as root; needs mmdebstrap, sfdisk, mkfs.ext4, qemu-img)
# No loop devices or mounts: the root filesystem is filled with `mkfs.ext4 -d`, copied into a
# partitioned raw file, and GRUB's boot.img/core.img are written into the MBR and its gap.
set -eu

out=${1:?usage: build.sh OUTPUT.qcow2}
here=$(cd "$(dirname "$0")" && pwd)
disk_mib=${BAKE_BASE_DISK_MIB:-2048}
part_start=2048
uuid=$(cat /proc/sys/kernel/random/uuid)

for tool in mmdebstrap sfdisk mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null 2>&1 || { echo "build.sh: $tool not found; run scripts/setup-host.sh" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bake-base.XXXXXX")
trap 'rm -rf "$work" "$out.partial.$$"' EXIT
trap 'exit 1' INT TERM

# The mirror is BAKE_DEBIAN_MIRROR, else whatever this host's apt uses for Debian, so the recipe
# works behind local mirrors/proxies.
sources=
if [ -n "${BAKE_DEBIAN_MIRROR:-}" ]; then
  sources="deb $BAKE_DEBIAN_MIRROR bookworm main"
else
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
    [ -s "$f" ] && grep -qE '^(URIs:|deb ).*debian' "$f" && { sources=$f; break; }
  done
fi
[ -n "$sources" ] || { echo "build.sh: this host's apt has no Debian source: set BAKE_DEBIAN_MIRROR to a Debian mirror URL (ending in /debian)" >&2; exit 1; }

mmdebstrap --variant=apt --mode=root --format=directory \
  --include=linux-image-cloud-amd64,systemd-sysv,udev,dbus,openssh-server,sudo,cloud-init,cloud-guest-utils,grub-pc-bin,python3,ca-certificates,e2fsprogs \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --customize-hook="sh '$here/customize.sh' \"\$1\" '$uuid'" \
  bookworm "$work/root" "$sources"

part_mib=$((disk_mib - 1))
mkfs.ext4 -q -F -L root -U "$uuid" -O '^metadata_csum_seed,^orphan_file' -d "$work/root" \
  "$work/part.raw" "${part_mib}M" 2>/dev/null \
  || mkfs.ext4 -q -F -L root -U "$uuid" -d "$work/root" "$work/part.raw" "${part_mib}M"

truncate -s "${disk_mib}M" "$work/disk.raw"
echo "start=$part_start, type=83, bootable" | sfdisk -q "$work/disk.raw"
dd if="$work/part.raw" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$work/part.raw"
# boot.img's code ends at byte 440 (the partition table follows); core.img goes in sector 1,
# where boot.img's default kernel sector and diskboot's default blocklist expect it.
dd if="$work/root/boot/grub/boot.img" of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/root/boot/grub/core.img" of="$work/disk.raw" bs=512 seek=1 conv=notrunc status=none

mkdir -p "$(dirname "$out")"
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$out.partial.$$"
mv -f "$out.partial.$$" "$out"
echo "build.sh: wrote $out"
