import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the kernel's binfmt_misc is mounted on every distribution. */
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** One registered binfmt_misc handler, as its file in BINFMT_DIR describes it. */
export interface BinfmtHandler {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: string;
  /** Magic-number handlers only (an extension handler never matches a program of the image). */
  offset?: number;
  magic?: Buffer;
  mask?: Buffer;
}

/** Parses a handler's file, e.g. `enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OCF\noffset 0\nmagic 7f45…\nmask ff…`. */
export function parseBinfmtHandler(name: string, text: string): BinfmtHandler {
  const lines = text.split('\n').map((l) => l.trim());
  const field = (key: string) => lines.find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`))?.slice(key.length + 1).trim();
  const hex = (key: string) => {
    const v = field(key);
    return v !== undefined && /^([0-9a-f]{2})+$/i.test(v) ? Buffer.from(v, 'hex') : undefined;
  };
  const offset = field('offset');
  return {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: field('interpreter') ?? '',
    flags: field('flags') ?? '',
    offset: offset === undefined ? undefined : Number(offset),
    magic: hex('magic'),
    mask: hex('mask'),
  };
}

/** Whether the kernel would hand a program that starts with these bytes to this handler (enabled or not). */
export function handlerMatches(h: BinfmtHandler, header: Buffer): boolean {
  if (!h.magic || h.offset === undefined) return false;
  if (header.length < h.offset + h.magic.length) return false;
  for (let i = 0; i < h.magic.length; i++) {
    const m = h.mask ? h.mask[i]! : 0xff;
    if ((header[h.offset + i]! & m) !== (h.magic[i]! & m)) return false;
  }
  return true;
}

/** What binfmt_misc on this host offers: whether it is mounted, switched on, and its handlers. */
export type BinfmtState = { mounted: false } | { mounted: true; enabled: boolean; handlers: BinfmtHandler[] };

/** Reads binfmt_misc from `dir` (a fixture directory in tests). */
export async function readBinfmt(dir = BINFMT_DIR): Promise<BinfmtState> {
  let status: string;
  try {
    status = (await readFile(join(dir, 'status'), 'utf8')).trim();
  } catch {
    return { mounted: false };
  }
  const handlers: BinfmtHandler[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'status' || name === 'register') continue;
    try {
      handlers.push(parseBinfmtHandler(name, await readFile(join(dir, name), 'utf8')));
    } catch {
      // Unregistered while we looked.
    }
  }
  return { mounted: true, enabled: status === 'enabled', handlers };
}
