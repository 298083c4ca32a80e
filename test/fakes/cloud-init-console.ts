import { fingerprint, keyKind } from '../../src/communicator/host-key.js';

/**
 * A first boot's console as cloud-init leaves it, keys_to_console included. The blocks are what
 * cloud-init's tools/write-ssh-key-fingerprints prints: the `ssh-keygen -l` line of each
 * /etc/ssh/ssh_host_*key.pub between the FINGERPRINTS markers, then each file's contents between
 * the KEYS markers, all piped through `logger -p user.info --stderr -t ec2`. As on real consoles the
 * fingerprint lines carry logger's syslog prefix and the key lines arrive bare, with \r\n endings.
 */
export function cloudInitConsole(hostPublicKeys: string[], host = 'ip-10-0-0-5'): string {
  const stamp = '<14>Dec  7 02:50:01 ec2:';
  const fingerprints = hostPublicKeys.map((line) => {
    const [type, base64] = line.split(' ');
    return `${stamp} 256 ${fingerprint(Buffer.from(base64, 'base64'))} root@${host} (${keyKind(type)})`;
  });
  return [
    '[    0.000000] Linux version 6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org)',
    '[    4.112233] cloud-init[412]: Cloud-init v. 23.1.1 running \'init\' at Sun, 07 Dec 2026 02:49:58 +0000. Up 4.02 seconds.',
    `${stamp} `,
    `${stamp} #############################################################`,
    `${stamp} -----BEGIN SSH HOST KEY FINGERPRINTS-----`,
    ...fingerprints,
    `${stamp} -----END SSH HOST KEY FINGERPRINTS-----`,
    `${stamp} #############################################################`,
    '-----BEGIN SSH HOST KEY KEYS-----',
    ...hostPublicKeys.map((line) => `${line.split(' ').slice(0, 2).join(' ')} root@${host}`),
    '-----END SSH HOST KEY KEYS-----',
    '[   12.501234] cloud-init[655]: Cloud-init v. 23.1.1 finished at Sun, 07 Dec 2026 02:50:02 +0000. Datasource DataSourceEc2Local.  Up 12.48 seconds',
    '',
  ].join('\r\n');
}

/** A boot whose cloud-init prints no host keys (keys_to_console off, or an image without cloud-init). */
export function consoleWithoutKeys(): string {
  return [
    '[    0.000000] Linux version 6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org)',
    '[   12.501234] cloud-init[655]: Cloud-init v. 23.1.1 finished at Sun, 07 Dec 2026 02:50:02 +0000. Datasource DataSourceEc2Local.  Up 12.48 seconds',
    '',
  ].join('\r\n');
}
