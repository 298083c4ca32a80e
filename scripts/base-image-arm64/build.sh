#!/bin/sh
# Builds a small Debian 12 arm64 disk image for the chroot builder's foreign-architecture test: a
# real arm64 root filesystem (mmdebstrap minbase, the `hello` package's .deb left in apt's cache so
# it installs offline) on ext4 in partition 1 of an MBR disk. It has no kernel and never boots.
# Usage: build.sh OUTPUT.qcow2   (run as root; needs mmdebstrap, sfdisk, mkfs.ext4, qemu-img and,
# on a host that is not arm64, qemu-user-static with a binfmt_misc handler for aarch64: mmdebstrap
# runs the packages' maintainer scripts through it)
# Kept apart from scripts/base-image so that changing one recipe never changes the other's hash.
set -eu

out=${1:?usage: build.sh OUTPUT.qcow2}
disk_mib=${BAKE_ARM64_DISK_MIB:-1024}
uuid=$(cat /proc/sys/kernel/random/uuid)

for tool in mmdebstrap sfdisk mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null 2>&1 || { echo "build.sh: $tool not found; run scripts/setup-host.sh" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bake-arm64.XXXXXX")
trap 'rm -rf "$work" "$out.partial.$$"' EXIT
trap 'exit 1' INT TERM

# The mirror: BAKE_DEBIAN_MIRROR, else whatever this host's apt uses for Debian (as scripts/base-image).
sources=
if [ -n "${BAKE_DEBIAN_MIRROR:-}" ]; then
  sources="deb $BAKE_DEBIAN_MIRROR bookworm main"
else
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
    [ -s "$f" ] && grep -qE '^(URIs:|deb ).*debian' "$f" && { sources=$f; break; }
  done
fi
[ -n "$sources" ] || { echo "build.sh: this host's apt has no Debian source: set BAKE_DEBIAN_MIRROR to a Debian mirror URL (ending in /debian)" >&2; exit 1; }

mmdebstrap --arch=arm64 --variant=minbase --mode=root --format=directory \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --skip=cleanup/apt/cache \
  --customize-hook='chroot "$1" apt-get clean' \
  --customize-hook='chroot "$1" apt-get install --download-only -y hello' \
  --customize-hook="echo 'UUID=$uuid / ext4 defaults,noatime 0 0' > \"\$1/etc/fstab\"; echo debian-arm64 > \"\$1/etc/hostname\"; : > \"\$1/etc/machine-id\"" \
  bookworm "$work/root" "$sources"

part_mib=$((disk_mib - 1))
mkfs.ext4 -q -F -L root -U "$uuid" -d "$work/root" "$work/part.raw" "${part_mib}M"
truncate -s "${disk_mib}M" "$work/disk.raw"
echo "start=2048, type=83" | sfdisk -q "$work/disk.raw"
dd if="$work/part.raw" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$work/part.raw"

mkdir -p "$(dirname "$out")"
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$out.partial.$$"
mv -f "$out.partial.$$" "$out"
echo "build.sh: wrote $out"
