/**
 * Packer's boot_command key syntax (packer-plugin-sdk bootcommand/boot_command.pigeon), parsed with
 * the same ordered choices: at each `<` a wait, then a character toggle (`<aOn>`), then a special
 * key with an optional On/Off; anything that matches none of them is typed as text, `<` included.
 */

export type KeyAction = 'press' | 'on' | 'off';

export type BootExpression =
  | { kind: 'wait'; ms: number; source: string }
  | { kind: 'special'; key: SpecialKey; action: KeyAction; source: string }
  | { kind: 'char'; char: string; action: KeyAction; source: string };

/** In the grammar's order: a longer name must come before its prefix ("f10" before "f1", "leftAlt" before "left"). */
const SPECIAL_KEYS = [
  'bs', 'del', 'enter', 'esc', 'f10', 'f11', 'f12', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9',
  'return', 'tab', 'up', 'down', 'spacebar', 'insert', 'home', 'end', 'pageup', 'pagedown',
  'leftalt', 'leftctrl', 'leftmeta', 'leftshift', 'rightalt', 'rightctrl', 'rightmeta', 'rightshift',
  'leftsuper', 'rightsuper', 'left', 'right', 'menu',
] as const;

export type SpecialKey = (typeof SPECIAL_KEYS)[number];

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const UNITS = ['ns', 'us', 'µs', 'ms', 's', 'm', 'h'];

/** Go's Number: '-'? Integer ('.' Digit+)?, where Integer is "0" or a digit string without a leading zero. */
function number(s: string, i: number): number | undefined {
  let j = i;
  if (s[j] === '-') j++;
  if (s[j] === '0') j++;
  else if (s[j] !== undefined && /[1-9]/.test(s[j]!)) while (s[j] !== undefined && /[0-9]/.test(s[j]!)) j++;
  else return undefined;
  if (s[j] === '.' && /[0-9]/.test(s[j + 1] ?? '')) {
    j++;
    while (/[0-9]/.test(s[j] ?? '')) j++;
  }
  return j;
}

/** `<wait>`, `<wait5>` (seconds), `<wait1m30s>` (Go duration): the wait's end and length, or undefined. */
function parseWait(s: string, i: number): { end: number; ms: number } | undefined {
  if (!s.startsWith('<wait', i)) return undefined;
  let j = i + 5;
  let ms = 1000;
  // Duration: (Number TimeUnit)+
  let total = 0;
  let k = j;
  let parts = 0;
  for (;;) {
    const n = number(s, k);
    if (n === undefined) break;
    const unit = UNITS.find((u) => s.startsWith(u, n));
    if (!unit) break;
    total += Number(s.slice(k, n)) * UNIT_MS[unit]!;
    k = n + unit.length;
    parts++;
  }
  if (parts > 0) {
    ms = total;
    j = k;
  } else {
    // Integer: whole seconds.
    const m = /^(0|[1-9][0-9]*)/.exec(s.slice(j));
    if (m) {
      ms = Number(m[1]) * 1000;
      j += m[1]!.length;
    }
  }
  return s[j] === '>' ? { end: j + 1, ms } : undefined;
}

function parseToggle(s: string, i: number): { end: number; action: KeyAction } | undefined {
  for (const [word, action] of [['on', 'on'], ['off', 'off']] as const) {
    if (s.slice(i, i + word.length).toLowerCase() === word) return { end: i + word.length, action };
  }
  return undefined;
}

/** The expressions of a boot command (the strings of boot_command joined, as Packer joins them). */
export function parseBootCommand(command: string): BootExpression[] {
  const out: BootExpression[] = [];
  const s = command;
  let i = 0;
  // A literal is one code point, also outside the BMP.
  const at = (index: number) => (index < s.length ? String.fromCodePoint(s.codePointAt(index)!) : '');
  while (i < s.length) {
    if (s[i] === '<') {
      const wait = parseWait(s, i);
      if (wait) {
        out.push({ kind: 'wait', ms: wait.ms, source: s.slice(i, wait.end) });
        i = wait.end;
        continue;
      }
      const c = at(i + 1);
      if (c) {
        const toggle = parseToggle(s, i + 1 + c.length);
        if (toggle && s[toggle.end] === '>') {
          out.push({ kind: 'char', char: c, action: toggle.action, source: s.slice(i, toggle.end + 1) });
          i = toggle.end + 1;
          continue;
        }
      }
      const rest = s.slice(i + 1).toLowerCase();
      const key = SPECIAL_KEYS.find((k) => rest.startsWith(k));
      if (key) {
        const after = i + 1 + key.length;
        const toggle = parseToggle(s, after);
        const end = toggle ? toggle.end : after;
        if (s[end] === '>') {
          out.push({ kind: 'special', key, action: toggle?.action ?? 'press', source: s.slice(i, end + 1) });
          i = end + 1;
          continue;
        }
      }
    }
    const c = at(i);
    out.push({ kind: 'char', char: c, action: 'press', source: c });
    i += c.length;
  }
  return out;
}
