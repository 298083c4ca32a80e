import { existsSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import type { DataSourcePlugin } from './types.js';

/** Go's names (GOOS, GOARCH), which the plugin reports, for Node's. */
const GOOS: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le', loong64: 'loong64' };

/** gopsutil's platform families for the distributions it knows. */
const FAMILY: Record<string, string> = {
  debian: 'debian', ubuntu: 'debian', linuxmint: 'debian', raspbian: 'debian',
  rhel: 'rhel', centos: 'rhel', rocky: 'rhel', almalinux: 'rhel', ol: 'rhel', amzn: 'rhel', fedora: 'fedora',
  opensuse: 'suse', 'opensuse-leap': 'suse', 'opensuse-tumbleweed': 'suse', sles: 'suse',
  arch: 'arch', manjaro: 'arch', alpine: 'alpine', gentoo: 'gentoo',
};

function osRelease(): Record<string, string> {
  if (!existsSync('/etc/os-release')) return {};
  const fields: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
  return fields;
}

/**
 * The community `host-info` data source (github.com/stromweld/host-info, which chef/bento uses to
 * pick hvf/whpx/kvm and firmware paths): the host's OS, distribution and architecture, under the
 * plugin's output names and values (Go's "linux"/"amd64", gopsutil's platform and family). bake
 * adds `cpus` and `memory` (MiB).
 */
export const hostInfoDataSource: DataSourcePlugin = {
  type: 'host-info',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  outputs: ['os_type', 'version', 'architecture', 'platform', 'family', 'cpus', 'memory'],
  async read() {
    const rel = platform() === 'linux' ? osRelease() : {};
    const id = rel.ID ?? '';
    // gopsutil reads Debian's point release ("12.11") from /etc/debian_version, not VERSION_ID ("12").
    const debianVersion = id === 'debian' && existsSync('/etc/debian_version') ? readFileSync('/etc/debian_version', 'utf8').trim() : undefined;
    const family = FAMILY[id] ?? (rel.ID_LIKE ? (FAMILY[rel.ID_LIKE.split(/\s+/)[0]!] ?? '') : '');
    return {
      os_type: GOOS[platform()] ?? platform(),
      version: debianVersion ?? rel.VERSION_ID ?? '',
      architecture: GOARCH[arch()] ?? arch(),
      platform: id,
      family,
      cpus: availableParallelism(),
      memory: Math.floor(totalmem() / 1024 / 1024),
    };
  },
};
