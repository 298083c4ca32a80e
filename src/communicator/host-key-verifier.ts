import { readFile } from 'node:fs/promises';
import { BakeError, errorText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { readConsoleKeys } from './console-wait.js';
import { blobType, decodeKey, fingerprint, keyKind } from './host-key.js';
import type { HostKeyPolicy } from './host-key-policy.js';
import { entriesFor, hostName, type KnownHostsFile, parseKnownHosts } from './known-hosts.js';
import type { SshEndpoint, SshOptions } from './ssh-options.js';

/** Where a machine's console is read from: "the console of instance i-123". */
export interface ConsoleSource {
  what: string;
  /**
   * Set for a cloud emulator (moto, LocalStack on loopback), whose console is canned and never
   * shows keys: once it answers anything without keys (and no block half printed) it is not waited
   * on. Says what it is, for the fallback's warning.
   */
  emulator?: string;
  /** The console text so far; undefined when there is none yet. Throws when it cannot be read at all. */
  read(signal: AbortSignal): Promise<string | undefined>;
}

/** What the builder knows about the machine's host key. */
export interface HostKeyHints {
  /** Public keys bake gave the machine ("ssh-ed25519 AAAA…"). */
  pinned?: string[];
  console?: ConsoleSource;
}

export type VerifiedBy = 'pinned' | 'console' | 'known_hosts' | 'tofu' | 'insecure';

/** The accepted host key, as printed, recorded in the run record and put on the artifact's metadata. */
export interface VerifiedHostKey {
  host: string;
  fingerprint: string;
  type: string;
  method: VerifiedBy;
}

type Role = 'target' | 'bastion';

/** What one endpoint must present: a set of fingerprints, or anything (tofu, insecure). */
interface Expectation {
  by: VerifiedBy;
  /** fingerprint → where it was learnt ("pinned", "~/.ssh/known_hosts:3", "the console of i-1"). */
  keys?: Map<string, string>;
  revoked?: Map<string, string>;
}

/** A host key bake refused: the build fails at once, no retry can make it right. */
export class HostKeyRejected extends BakeError {}

/**
 * Decides, per build, which host keys SSH accepts. Everything slow (reading known_hosts, polling
 * the console) happens in prepare(); verify() is what ssh2's hostVerifier calls, synchronously.
 * Once a key is accepted it is the only one accepted for that endpoint for the rest of the build,
 * whatever the method, so a machine that changes its key between connections is refused.
 */
export class HostKeyVerifier {
  private readonly expect = new Map<Role, Expectation>();
  private readonly accepted = new Map<Role, { fingerprint: string; type: string; by: VerifiedBy; blob: Buffer }>();
  private readonly rejections = new Map<Role, HostKeyRejected>();
  private warnedInsecure = false;
  /** Read once per build, for the machine and the bastion alike. */
  private knownFile?: Promise<KnownHostsFile>;

  constructor(
    private readonly options: SshOptions,
    private readonly hints: HostKeyHints,
    private readonly log: Logger,
  ) {}

  private get policy(): HostKeyPolicy {
    return this.options.hostKey;
  }

  async prepare(signal: AbortSignal): Promise<void> {
    if (this.expect.has('target')) return;
    this.expect.set('target', await this.targetExpectation(signal));
    if (this.options.bastion) this.expect.set('bastion', await this.bastionExpectation(this.options.bastion));
  }

  private async targetExpectation(signal: AbortSignal): Promise<Expectation> {
    const p = this.policy;
    const at = hostName(this.options.host, this.options.port);
    switch (p.check) {
      case 'pin': {
        const keys = new Map<string, string>();
        for (const line of this.hints.pinned ?? []) {
          const [type, base64] = line.split(/\s+/);
          const key = type && base64 ? decodeKey(type, base64) : undefined;
          if (key) keys.set(fingerprint(key.blob), 'pinned');
        }
        if (keys.size === 0) throw new BakeError(`ssh: ssh_host_key_check is "pin" but the builder gave no host key for ${at}`);
        return { by: 'pinned', keys };
      }
      case 'console': {
        if (!this.hints.console) throw new BakeError(`ssh: ssh_host_key_check is "console" but the builder cannot read the console of ${at}`);
        const found = await readConsoleKeys(this.hints.console, p.timeoutMs, this.log, signal);
        if (found.keys.size > 0) return { by: 'console', keys: found.keys };
        return this.fallback(found.why);
      }
      case 'known_hosts': {
        const known = await this.knownHosts(this.options, 'target');
        if (known) return known;
        return this.fallback(`${at} is not in ${this.policy.knownHostsFiles.join(' or ')}`);
      }
      case 'tofu':
        return { by: 'tofu' };
      case 'insecure':
        return { by: 'insecure' };
    }
  }

  private fallback(why: string): Expectation {
    const p = this.policy;
    if (p.fallback === 'none') {
      throw new BakeError(`ssh: cannot verify the host key (ssh_host_key_check "${p.check}"): ${why}; ssh_host_key_fallback "none" forbids connecting without it`);
    }
    const what = p.fallback === 'tofu' ? 'tofu (the first key seen is trusted for the rest of the build)' : 'insecure (any key is accepted)';
    this.log.warn(`ssh: ${why}: falling back to ${what} (ssh_host_key_fallback)`);
    return { by: p.fallback };
  }

  private async bastionExpectation(bastion: SshEndpoint): Promise<Expectation> {
    const check = this.policy.bastionCheck;
    if (check === 'tofu' || check === 'insecure') return { by: check };
    const known = await this.knownHosts(bastion, 'bastion');
    if (known) return known;
    const at = hostName(bastion.host, bastion.port);
    if (check === 'known_hosts') {
      throw new BakeError(`ssh bastion: ${at} is not in ${this.policy.knownHostsFiles.join(' or ')} (ssh_bastion_host_key_check "known_hosts"); add it with ssh-keyscan or choose "tofu"`);
    }
    this.log.info(`ssh bastion: ${at} is not in ${this.policy.knownHostsFiles.join(' or ')}; trusting its first key (tofu)`);
    return { by: 'tofu' };
  }

  private async readKnownHosts(): Promise<KnownHostsFile> {
    const merged: KnownHostsFile = { entries: [], problems: [] };
    for (const path of this.policy.knownHostsFiles) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (this.policy.knownHostsExplicit) throw new BakeError(`${this.options.source.file}: ${this.options.source.path}.ssh_known_hosts_file: cannot read ${path}: ${errorText(err)}`);
        continue;
      }
      const file = parseKnownHosts(text, path);
      merged.entries.push(...file.entries);
      merged.problems.push(...file.problems);
    }
    for (const problem of merged.problems) this.log.warn(`known_hosts: ${problem}; line ignored`);
    return merged;
  }

  private async knownHosts(endpoint: SshEndpoint, role: Role): Promise<Expectation | undefined> {
    this.knownFile ??= this.readKnownHosts();
    const found = entriesFor(await this.knownFile, endpoint.host, endpoint.port);
    const revoked = new Map(found.revoked.map((e) => [fingerprint(e.key.blob), e.where]));
    if (found.keys.length > 0) return { by: 'known_hosts', keys: new Map(found.keys.map((e) => [fingerprint(e.key.blob), e.where])), revoked };
    if (found.authorities.length > 0) {
      const who = role === 'bastion' ? 'ssh bastion' : 'ssh';
      throw new BakeError(
        `${who}: ${hostName(endpoint.host, endpoint.port)} is known only through @cert-authority (${found.authorities.map((e) => e.where).join(', ')}), and bake's SSH library (ssh2) cannot verify host certificates; add the host's own key to known_hosts (ssh-keyscan) or choose another check`,
      );
    }
    return undefined;
  }

  /** ssh2's hostVerifier: true to go on with the handshake. A refusal is kept for takeRejection(). */
  verify(role: Role, endpoint: SshEndpoint, blob: Buffer): boolean {
    const presented = fingerprint(blob);
    const type = keyKind(blobType(blob));
    const at = hostName(endpoint.host, endpoint.port);
    const who = role === 'bastion' ? 'ssh bastion' : 'ssh';
    const expectation = this.expect.get(role) ?? { by: 'tofu' };
    const before = this.accepted.get(role);
    const refuse = (text: string) => {
      this.rejections.set(role, new HostKeyRejected(text));
      return false;
    };
    if (expectation.by === 'insecure') {
      if (!this.warnedInsecure) {
        this.warnedInsecure = true;
        this.log.warn(`${who}: host key of ${at} not checked (${role === 'bastion' ? 'ssh_bastion_host_key_check' : 'ssh_host_key_check'} "insecure"): presented ${presented} (${type})`);
      }
      this.remember(role, endpoint, blob, type, 'insecure');
      return true;
    }
    if (before) {
      if (before.fingerprint === presented) return true;
      return refuse(`${who}: host key mismatch for ${at}: expected ${before.fingerprint} (${before.by}, accepted at this build's first connection), presented ${presented} (${type})`);
    }
    const revokedAt = expectation.revoked?.get(presented);
    if (revokedAt) return refuse(`${who}: host key ${presented} of ${at} is marked @revoked in ${revokedAt}`);
    if (expectation.keys && !expectation.keys.has(presented)) {
      const expected = [...expectation.keys].map(([fp, from]) => `${fp} (${from})`).join(' or ');
      return refuse(`${who}: host key mismatch for ${at}: expected ${expected}, presented ${presented} (${type})`);
    }
    this.remember(role, endpoint, blob, type, expectation.by);
    return true;
  }

  private remember(role: Role, endpoint: SshEndpoint, blob: Buffer, type: string, by: VerifiedBy): void {
    if (this.accepted.has(role)) return;
    const fp = fingerprint(blob);
    this.accepted.set(role, { fingerprint: fp, type, by, blob: Buffer.from(blob) });
    const at = hostName(endpoint.host, endpoint.port);
    const how = by === 'tofu' ? 'trusted on first use (tofu)' : by === 'insecure' ? 'not verified (insecure)' : `verified (${by})`;
    const record: VerifiedHostKey = { host: at, fingerprint: fp, type, method: by };
    if (role === 'target') this.log.say(`SSH host key ${fp} (${type}) of ${at} ${how}`, { ssh_host_key: record });
    else this.log.info(`SSH bastion host key ${fp} (${type}) of ${at} ${how}`);
  }

  /** The refusal behind ssh2's "Host denied" error, once. */
  takeRejection(role: Role): HostKeyRejected | undefined {
    const r = this.rejections.get(role);
    this.rejections.delete(role);
    return r;
  }

  /** A known_hosts line for the machine's accepted key, so tools with their own SSH client (ansible) check the same key. */
  knownHostsLine(): string | undefined {
    const a = this.accepted.get('target');
    return a ? `${hostName(this.options.host, this.options.port)} ${blobType(a.blob)} ${a.blob.toString('base64')}` : undefined;
  }

  /** The machine's accepted key, once connected. */
  verified(): VerifiedHostKey | undefined {
    const a = this.accepted.get('target');
    return a ? { host: hostName(this.options.host, this.options.port), fingerprint: a.fingerprint, type: a.type, method: a.by } : undefined;
  }
}
