#!/bin/sh
# Installs what bake's local VM builder (qemu), its base image recipe and the test suite need on a
# Debian/Ubuntu host. Idempotent: apt is only asked for packages that are missing.
set -eu

# qemu builder and base image recipe (fdisk and e2fsprogs also serve the chroot builder); sshd for the tests; compressors for the compress
# post-processor; make/g++/python3 so npm can build ssh2's optional native crypto binding;
# isolinux/syslinux-common for the boot-prompt ISO of the installer (boot_command) test; ansible-core
# for the ansible provisioner's tests; chromium and a font for the test that opens `bake report`'s page
# in a headless browser; jq for the test that runs docs/ci.md's pipeline steps; qemu-user-static and
# arch-test (mmdebstrap's check) for the chroot builder's arm64 image and test; ovmf, the UEFI
# firmware of the qemu builder's efi_boot (Packer's default paths /usr/share/OVMF/OVMF_*.fd); bubblewrap
# (the chroot builder's sandbox) and busybox-static (the tiny attack images of its tests, and the SBOM
# tests' apk database); rpm (rpm, rpmbuild) for the SBOM tests' real rpm database; passt (pasta) for
# the chroot builder's chroot_network "private" and its test.
packages="qemu-system-x86 qemu-utils ovmf mmdebstrap genisoimage xorriso isolinux syslinux-common fdisk e2fsprogs openssh-server openssh-client ca-certificates procps zstd xz-utils lz4 zip unzip make g++ python3 ansible-core chromium fonts-dejavu-core jq qemu-user-static arch-test bubblewrap busybox-static rpm passt"

missing=
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
if [ -z "$missing" ]; then
  echo "setup-host: all packages present"
else
  echo "setup-host: installing$missing"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# binfmt_misc runs arm64 programs through qemu-user-static (the chroot builder's arm64 test, and
# mmdebstrap building its image). Without systemd or binfmt-support nothing mounts it or registers
# the handler, so do both here; they are host-wide. The handler is qemu-user-static's own, with the F
# flag, so a chroot needs no emulator inside. A container without privileges cannot: it only warns.
binfmt=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
if [ "$(uname -m)" != aarch64 ] && [ -s "$conf" ]; then
  [ -e "$binfmt/status" ] || $sudo mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
  if [ ! -e "$binfmt/status" ]; then
    echo "setup-host: cannot mount binfmt_misc at $binfmt: the chroot builder's arm64 test will fail" >&2
  else
    grep -qx enabled "$binfmt/status" || echo 1 | $sudo tee "$binfmt/status" >/dev/null
    [ -e "$binfmt/qemu-aarch64" ] || grep '^:' "$conf" | $sudo tee "$binfmt/register" >/dev/null
    grep -qx enabled "$binfmt/qemu-aarch64" || echo 1 | $sudo tee "$binfmt/qemu-aarch64" >/dev/null
    echo "setup-host: binfmt_misc handler qemu-aarch64: $(head -n1 "$binfmt/qemu-aarch64"), $(grep '^flags' "$binfmt/qemu-aarch64")"
  fi
fi

# moto_server, the AWS emulator test/integration/moto.test.ts and bench/amazon-ebs-moto.mjs run bake
# against (5.2.1 is the version run here). It comes from PyPI only; where pip cannot install it the
# test skips and says why. pyenv's shims are looked at too: a non-login shell may not have them on PATH.
if ! command -v moto_server >/dev/null 2>&1 && [ ! -x "${PYENV_ROOT:-$HOME/.pyenv}/shims/moto_server" ]; then
  python3 -m pip install --quiet --retries 0 --timeout 15 'moto[server]==5.2.1' 2>/dev/null ||
    echo "setup-host: moto[server] not installed (no pip or no PyPI): test/integration/moto.test.ts will be skipped"
fi
