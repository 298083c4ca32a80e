import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/wait.js';
import type { SshConfigInput } from './ssh-config.js';

export const HOST_KEY_CHECKS = ['pin', 'console', 'known_hosts', 'tofu', 'insecure'] as const;
export type HostKeyCheck = (typeof HOST_KEY_CHECKS)[number];
export const HOST_KEY_FALLBACKS = ['tofu', 'insecure', 'none'] as const;
export type HostKeyFallback = (typeof HOST_KEY_FALLBACKS)[number];
export const BASTION_HOST_KEY_CHECKS = ['known_hosts', 'tofu', 'insecure'] as const;

/** How the machine's (and the bastion's) host key is verified: part of the resolved SSH options. */
export interface HostKeyPolicy {
  check: HostKeyCheck;
  /** What console or known_hosts fall back to when they know nothing about the host (never on a mismatch). */
  fallback: HostKeyFallback;
  /** known_hosts files to read; `knownHostsExplicit`: ssh_known_hosts_file was given, so it must exist. */
  knownHostsFiles: string[];
  knownHostsExplicit: boolean;
  /** How long to wait for the console to show the keys. */
  timeoutMs: number;
  /** "default": known_hosts when a file lists the bastion, else tofu. */
  bastionCheck: 'known_hosts' | 'tofu' | 'insecure' | 'default';
}

/** What a builder can offer for its machines: the default check, and whether pin or console can work at all. */
export interface HostKeyCapabilities {
  check: HostKeyCheck;
  fallback?: HostKeyFallback;
  /** bake gives the machine its host key (qemu with bake's cloud-init seed). */
  pin?: boolean;
  /** The builder can read the machine's console (amazon-ebs, openstack). */
  console?: boolean;
}

/**
 * Cloud builders: cloud-init prints the host keys on the console; without them (an image without
 * cloud-init, no permission to read the console) the first key is trusted.
 */
export const CONSOLE_HOST_KEYS: HostKeyCapabilities = { check: 'console', fallback: 'tofu', console: true };

/** Without a builder's word: trust on first use, the best bake can do knowing nothing. */
const NOTHING_KNOWN: HostKeyCapabilities = { check: 'tofu' };

function knownHostsFiles(input: SshConfigInput, templateDir: string): string[] {
  const given = input.ssh_known_hosts_file;
  if (!given) return [resolve(homedir(), '.ssh/known_hosts'), '/etc/ssh/ssh_known_hosts'];
  const path = given.replace(/^~(?=$|\/)/, homedir());
  return [isAbsolute(path) ? path : resolve(templateDir, path)];
}

export function resolveHostKeyPolicy(input: SshConfigInput, can: HostKeyCapabilities = NOTHING_KNOWN, where: string, templateDir: string): HostKeyPolicy {
  const check = input.ssh_host_key_check ?? can.check;
  if (check === 'pin' && !can.pin) {
    throw new UsageError(
      `${where}.ssh_host_key_check: "pin" needs a host key bake gives the machine itself (qemu builds with bake's cloud-init seed); use "known_hosts", "tofu" or "insecure"`,
    );
  }
  if (check === 'console' && !can.console) {
    throw new UsageError(`${where}.ssh_host_key_check: "console" needs a builder that reads the machine's console (amazon-ebs, openstack); use "known_hosts", "tofu" or "insecure"`);
  }
  // A check the template chose is kept strictly; the builder's default may fall back.
  const fallback = input.ssh_host_key_fallback ?? (input.ssh_host_key_check ? 'none' : (can.fallback ?? 'none'));
  const timeout = input.ssh_host_key_timeout === undefined ? undefined : parseDuration(input.ssh_host_key_timeout);
  return {
    check,
    fallback,
    knownHostsFiles: knownHostsFiles(input, templateDir),
    knownHostsExplicit: Boolean(input.ssh_known_hosts_file),
    timeoutMs: timeout ?? 2 * 60_000,
    bastionCheck: input.ssh_bastion_host_key_check ?? 'default',
  };
}
