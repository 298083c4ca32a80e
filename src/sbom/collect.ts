import { Writable } from 'node:stream';
import type { Communicator } from '../communicator/types.js';
import { errorText } from '../core/errors.js';
import { parseApkInstalled } from './apk-installed.js';
import { inventoryScript, splitSections, type ScriptSection } from './collect-script.js';
import { type ParsedDatabase, parseDpkgStatus } from './dpkg-status.js';
import type { Inventory, PackageManager } from './inventory.js';
import { parseOsRelease } from './os-release.js';
import { parseRpmQuery } from './rpm-query.js';

/** The image is untrusted: its answer is cut off beyond this size or time, never waited on forever. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 120_000;

export interface CollectOptions {
  signal: AbortSignal;
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * Lists what is installed in the machine behind `comm` (a guest over SSH, a chroot, a host): the
 * OS release and every dpkg, rpm and apk package. Never throws for what it finds: a database it
 * cannot read becomes a problem in the result (the SBOM is then marked incomplete).
 */
export async function collectInventory(comm: Communicator, options: CollectOptions): Promise<Inventory> {
  const { script, boundary } = inventoryScript();
  const limit = options.maxBytes ?? MAX_OUTPUT_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const stop = new AbortController();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (size + chunk.length > limit) {
        truncated = true;
        stop.abort(new Error(`more than ${limit} bytes`));
      } else {
        chunks.push(chunk);
        size += chunk.length;
      }
      done();
    },
  });
  const timeout = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  const stderr: string[] = [];
  const inventory: Inventory = { packages: [], managers: [], problems: [] };
  try {
    await comm.exec(script, {
      stdoutStream: sink,
      stderr: (line) => stderr.length < 20 && stderr.push(line),
      signal: AbortSignal.any([options.signal, stop.signal, timeout]),
    });
  } catch (err) {
    if (options.signal.aborted) throw err;
    if (truncated) inventory.problems.push(`the package listing was longer than ${limit} bytes and was cut off`);
    else if (timeout.aborted) inventory.problems.push(`listing the packages took longer than ${Math.round((options.timeoutMs ?? TIMEOUT_MS) / 1000)} s and was stopped`);
    else {
      inventory.problems.push(`could not list the packages: ${errorText(err)}`);
      return inventory;
    }
  }
  const { sections, complete } = splitSections(Buffer.concat(chunks).toString('utf8'), boundary);
  if (!complete && inventory.problems.length === 0) inventory.problems.push('the package listing ended early');
  readSections(sections, inventory, stderr);
  if (inventory.managers.length === 0 && inventory.problems.length === 0) {
    inventory.note = 'no package database found (dpkg, rpm, apk): the image\'s software is not listed';
  }
  return inventory;
}

function readSections(sections: ScriptSection[], inventory: Inventory, stderr: string[]): void {
  const licenses = new Map<string, string[]>();
  for (const s of sections) {
    if (s.name === 'os-release') inventory.os = parseOsRelease(s.text);
    else if (s.name === 'dpkg-licenses') readLicenses(s.text, licenses);
    else if (s.name === 'rpm-missing') inventory.problems.push('the image has an rpm database but no rpm command to read it');
    else if (s.name === 'dpkg' || s.name === 'rpm' || s.name === 'apk') addDatabase(inventory, s, parser(s.name), stderr);
  }
  for (const p of inventory.packages) {
    if (p.manager === 'dpkg' && !p.licenses && licenses.has(p.name)) p.licenses = licenses.get(p.name);
  }
}

function parser(manager: PackageManager): (text: string) => ParsedDatabase {
  return manager === 'dpkg' ? parseDpkgStatus : manager === 'rpm' ? parseRpmQuery : parseApkInstalled;
}

function addDatabase(inventory: Inventory, s: ScriptSection, parse: (text: string) => ParsedDatabase, stderr: string[]): void {
  const manager = s.name as PackageManager;
  inventory.managers.push(manager);
  if (s.exit !== undefined && s.exit !== 0) {
    const why = stderr.filter((l) => l.trim()).slice(-2).join(' | ');
    inventory.problems.push(`${manager}: reading the package database failed (exit ${s.exit})${why ? `: ${why}` : ''}`);
  }
  const parsed = parse(s.text);
  inventory.packages.push(...parsed.packages);
  inventory.problems.push(...parsed.problems);
  if (parsed.packages.length === 0 && s.exit === 0 && s.text.trim() !== '') inventory.problems.push(`${manager}: no package could be read from the database`);
}

/** "/usr/share/doc/openssl/copyright:License: Apache-2.0" → openssl: [Apache-2.0]. */
function readLicenses(text: string, into: Map<string, string[]>): void {
  for (const line of text.split('\n')) {
    const m = /^\/usr\/share\/doc\/([^/]+)\/copyright:License:[ \t]*(\S.*?)\s*$/.exec(line);
    if (!m) continue;
    const list = into.get(m[1]) ?? [];
    if (!list.includes(m[2])) list.push(m[2]);
    into.set(m[1], list);
  }
}
