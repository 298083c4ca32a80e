import { decodeKey, type HostPublicKey, isKnownKeyType } from './host-key.js';

/** What a machine's console says about its host keys. */
export interface ConsoleHostKeys {
  /** Keys from the last complete KEYS block. */
  keys: HostPublicKey[];
  /** SHA256 fingerprints from the last complete FINGERPRINTS block ("SHA256:…"). */
  fingerprints: string[];
  /** Things a user should hear about: a block begun but not ended, lines that are not keys, unknown key types. */
  problems: string[];
  /** cloud-init said it finished: keys that are not there now never will be. */
  finished: boolean;
}

const BEGIN_KEYS = '-----BEGIN SSH HOST KEY KEYS-----';
const END_KEYS = '-----END SSH HOST KEY KEYS-----';
const BEGIN_FPS = '-----BEGIN SSH HOST KEY FINGERPRINTS-----';
const END_FPS = '-----END SSH HOST KEY FINGERPRINTS-----';

/** The lines between the last BEGIN … END pair; `partial` when a BEGIN after it has no END yet. */
function lastBlock(lines: string[], begin: string, end: string): { lines?: string[]; partial: boolean } {
  let start = -1;
  let found: string[] | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.includes(begin)) start = i;
    else if (line.includes(end) && start >= 0) {
      found = lines.slice(start + 1, i);
      start = -1;
    }
  }
  return { ...(found ? { lines: found } : {}), partial: start >= 0 };
}

/**
 * cloud-init's write-ssh-key-fingerprints pipes both blocks through `logger --stderr -t ec2`, so a
 * console may show each line bare or behind a syslog prefix ("<14>Jun  3 17:07:52 ec2: "), and a
 * serial console wraps long keys over several lines; both are undone here.
 */
function parseKeys(block: string[], problems: string[]): HostPublicKey[] {
  const entries: { type: string; text: string; line: string }[] = [];
  for (const raw of block) {
    const line = raw.replace(/\r$/, '');
    const start = /(?:^|[\s:])([a-z0-9][a-z0-9.@-]*) (AAAA[A-Za-z0-9+/=]*)/.exec(line);
    if (start) {
      entries.push({ type: start[1], text: start[2], line: line.trim() });
      continue;
    }
    const continued = /^(?:.*?: )?([A-Za-z0-9+/]+=*)(?:\s|$)/.exec(line.trim());
    const last = entries.at(-1);
    if (continued && last && !decodeKey(last.type, last.text)) last.text += continued[1];
  }
  const keys: HostPublicKey[] = [];
  for (const e of entries) {
    if (!isKnownKeyType(e.type)) {
      problems.push(`key of unknown type "${e.type}" ignored`);
      continue;
    }
    const key = decodeKey(e.type, /^[A-Za-z0-9+/]+=*/.exec(e.text)?.[0] ?? '');
    if (key) keys.push(key);
    else problems.push(`garbled ${e.type} key "${e.line.slice(0, 60)}…"`);
  }
  if (entries.length === 0 && block.some((l) => l.trim())) problems.push('the host key block holds no keys');
  return keys;
}

export function parseConsoleHostKeys(output: string): ConsoleHostKeys {
  const lines = output.split('\n');
  const problems: string[] = [];
  const keysBlock = lastBlock(lines, BEGIN_KEYS, END_KEYS);
  const fpBlock = lastBlock(lines, BEGIN_FPS, END_FPS);
  if (keysBlock.partial) problems.push(`"${BEGIN_KEYS}" without "${END_KEYS}" (partial output)`);
  if (fpBlock.partial) problems.push(`"${BEGIN_FPS}" without "${END_FPS}" (partial output)`);
  const keys = keysBlock.lines ? parseKeys(keysBlock.lines, problems) : [];
  const fingerprints = (fpBlock.lines ?? []).flatMap((l) => /\bSHA256:[A-Za-z0-9+/]{43}\b/.exec(l)?.[0] ?? []);
  if (fpBlock.lines && fingerprints.length === 0 && fpBlock.lines.some((l) => l.trim())) problems.push('the fingerprint block holds no SHA256 fingerprints');
  // cloud-init's final message ("Cloud-init v. 23.1 finished at …") comes after keys_to_console.
  const finished = /Cloud-init v\. \S+ finished at/.test(output);
  return { keys, fingerprints, problems, finished };
}
