#!/bin/sh
# Installs what bake's local VM builder (qemu), its base image recipe and the test suite need on a
# Debian/Ubuntu host. Idempotent: apt is only asked for packages that are missing.
set -eu

# qemu builder and base image recipe (fdisk and e2fsprogs also serve the chroot builder); sshd for the tests; compressors for the compress
# post-processor; make/g++/python3 so npm can build ssh2's optional native crypto binding;
# isolinux/syslinux-common for the boot-prompt ISO of the installer (boot_command) test; ansible-core
# for the ansible provisioner's tests; chromium and a font for the test that opens `bake report`'s page
# in a headless browser; jq for the test that runs docs/ci.md's pipeline steps.
packages="qemu-system-x86 qemu-utils mmdebstrap genisoimage xorriso isolinux syslinux-common fdisk e2fsprogs openssh-server openssh-client ca-certificates procps zstd xz-utils lz4 zip unzip make g++ python3 ansible-core chromium fonts-dejavu-core jq"

missing=
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "setup-host: all packages present"
else
  sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "setup-host: installing$missing"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# moto_server, the AWS emulator test/integration/moto.test.ts and bench/amazon-ebs-moto.mjs run bake
# against (5.2.1 is the version run here). It comes from PyPI only; where pip cannot install it the
# test skips and says why.
if ! command -v moto_server >/dev/null 2>&1; then
  python3 -m pip install --quiet 'moto[server]==5.2.1' 2>/dev/null ||
    echo "setup-host: moto[server] not installed (no pip or no PyPI): test/integration/moto.test.ts will be skipped"
fi
