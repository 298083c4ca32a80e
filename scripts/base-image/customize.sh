#!/bin/sh
# mmdebstrap customize hook: $1 is the target root, $2 the root filesystem's UUID.
set -eu
root=$1
uuid=$2
here=$(cd "$(dirname "$0")" && pwd)

cp -r "$here/files/." "$root/"
echo "UUID=$uuid / ext4 defaults,noatime 0 0" > "$root/etc/fstab"
# files/etc/hosts names this hostname, as Debian's installer writes it: without it sudo asks DNS for
# the name on every call (a 5 s timeout now and then in a chroot build); cloud-init rewrites it at boot.
echo debian > "$root/etc/hostname"
: > "$root/etc/machine-id"
rm -f "$root"/etc/ssh/ssh_host_*
chroot "$root" systemctl enable systemd-networkd.service
chroot "$root" systemctl mask systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service

kver=$(ls "$root/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -n1)
mkdir -p "$root/boot/grub/i386-pc"
cp "$root"/usr/lib/grub/i386-pc/*.mod "$root"/usr/lib/grub/i386-pc/*.lst "$root/boot/grub/i386-pc/"
cp "$root/usr/lib/grub/i386-pc/boot.img" "$root/boot/grub/boot.img"
cat > "$root/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_output serial console
set timeout=0
echo 'bake base image: booting Linux $kver'
linux /boot/vmlinuz-$kver root=UUID=$uuid ro console=tty0 console=ttyS0,115200 net.ifnames=0 quiet mitigations=off
initrd /boot/initrd.img-$kver
boot
CFG
chroot "$root" grub-mkimage -O i386-pc -o /boot/grub/core.img -p '(hd0,msdos1)/boot/grub' \
  biosdisk part_msdos ext2 normal linux boot serial terminal echo
[ "$(stat -c %s "$root/boot/grub/core.img")" -lt 1000000 ] || { echo "core.img too large for the MBR gap" >&2; exit 1; }
rm -rf "$root/var/lib/apt/lists"/* "$root/var/cache/apt"/*.bin "$root/var/log"/*.log
