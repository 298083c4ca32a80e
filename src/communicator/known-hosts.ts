import { createHmac } from 'node:crypto';
import { decodeKey, type HostPublicKey, isKnownKeyType } from './host-key.js';

/** One usable known_hosts line. */
export interface KnownHostEntry {
  marker?: 'cert-authority' | 'revoked';
  /** The host field as written: "a.example,10.0.0.5", "[h]:2222", "|1|salt|hash". */
  hosts: string;
  key: HostPublicKey;
  /** "~/.ssh/known_hosts:12", for messages. */
  where: string;
}

export interface KnownHostsFile {
  entries: KnownHostEntry[];
  /** Lines that could not be used, each "path:line: why"; the rest of the file is still used. */
  problems: string[];
}

/**
 * Parses OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): an optional
 * @cert-authority or @revoked marker, comma-separated host patterns (or one hashed |1| entry), the
 * key type and the base64 key, and a comment.
 */
export function parseKnownHosts(text: string, path: string): KnownHostsFile {
  const entries: KnownHostEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${path}:${i + 1}`;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift() as string;
      if (name !== '@cert-authority' && name !== '@revoked') {
        problems.push(`${where}: unknown marker "${name}" (OpenSSH knows @cert-authority and @revoked)`);
        return;
      }
      marker = name === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, type, base64] = fields;
    if (!hosts || !type || !base64) {
      problems.push(`${where}: expected "hosts key-type base64-key", got ${fields.length} field${fields.length === 1 ? '' : 's'}`);
      return;
    }
    if (hosts.startsWith('|') && !/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/.test(hosts)) {
      problems.push(`${where}: a hashed host must read |1|salt|hash`);
      return;
    }
    if (!isKnownKeyType(type)) {
      problems.push(`${where}: unknown key type "${type}"`);
      return;
    }
    const key = decodeKey(type, base64);
    if (!key || key.blob.toString('base64') !== base64) {
      problems.push(`${where}: the ${type} key is not valid base64 of a ${type} key`);
      return;
    }
    entries.push({ ...(marker ? { marker } : {}), hosts, key, where });
  });
  return { entries, problems };
}

/** The name known_hosts lists a host under: "host", or "[host]:port" off port 22. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Does the entry's host field name this host? Hashed entries are HMAC-SHA1 of the name, keyed by the salt. */
export function hostMatches(hosts: string, host: string, port: number): boolean {
  const name = hostName(host, port);
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      // A negated pattern that matches rejects the line, whatever else matched.
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The file's lines for this host, split by what they say. */
export function entriesFor(file: KnownHostsFile, host: string, port: number) {
  const all = file.entries.filter((e) => hostMatches(e.hosts, host, port));
  return {
    keys: all.filter((e) => !e.marker),
    authorities: all.filter((e) => e.marker === 'cert-authority'),
    revoked: file.entries.filter((e) => e.marker === 'revoked' && hostMatches(e.hosts, host, port)),
  };
}
