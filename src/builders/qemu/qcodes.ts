import type { BootExpression, SpecialKey } from './boot-keys.js';

/**
 * QEMU's QKeyCode names (qapi/ui.json) for what a boot command types, on a US keyboard layout as
 * QEMU's virtual keyboard presents it. Packer types X keysyms over VNC instead; the keys reaching
 * the guest are the same.
 */
const SPECIAL: Record<SpecialKey, string> = {
  bs: 'backspace', del: 'delete', enter: 'ret', return: 'ret', esc: 'esc', tab: 'tab',
  f1: 'f1', f2: 'f2', f3: 'f3', f4: 'f4', f5: 'f5', f6: 'f6', f7: 'f7', f8: 'f8', f9: 'f9', f10: 'f10', f11: 'f11', f12: 'f12',
  up: 'up', down: 'down', left: 'left', right: 'right', spacebar: 'spc', insert: 'insert', home: 'home', end: 'end',
  pageup: 'pgup', pagedown: 'pgdn', menu: 'menu',
  leftalt: 'alt', leftctrl: 'ctrl', leftshift: 'shift', leftmeta: 'meta_l', leftsuper: 'meta_l',
  rightalt: 'alt_r', rightctrl: 'ctrl_r', rightshift: 'shift_r', rightmeta: 'meta_r', rightsuper: 'meta_r',
};

const UNSHIFTED: Record<string, string> = {
  ' ': 'spc', '\n': 'ret', '\r': 'ret', '\t': 'tab',
  '-': 'minus', '=': 'equal', '[': 'bracket_left', ']': 'bracket_right', '\\': 'backslash',
  ';': 'semicolon', "'": 'apostrophe', '`': 'grave_accent', ',': 'comma', '.': 'dot', '/': 'slash',
};

const SHIFTED: Record<string, string> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: 'minus', '+': 'equal', '{': 'bracket_left', '}': 'bracket_right', '|': 'backslash',
  ':': 'semicolon', '"': 'apostrophe', '~': 'grave_accent', '<': 'comma', '>': 'dot', '?': 'slash',
};

/** The keys to hold for one character, modifier first; undefined for one a US keyboard cannot type. */
export function charKeys(char: string): string[] | undefined {
  if (/^[a-z0-9]$/.test(char)) return [char];
  if (/^[A-Z]$/.test(char)) return ['shift', char.toLowerCase()];
  if (UNSHIFTED[char]) return [UNSHIFTED[char]!];
  if (SHIFTED[char]) return ['shift', SHIFTED[char]!];
  return undefined;
}

export function specialKey(key: SpecialKey): string {
  return SPECIAL[key];
}

/** The keys an expression presses or toggles (none for a wait). */
export function expressionKeys(e: BootExpression): string[] {
  if (e.kind === 'wait') return [];
  if (e.kind === 'special') return [specialKey(e.key)];
  return charKeys(e.char) ?? [];
}

/**
 * Why a boot command cannot be typed, one message per problem (empty when it can): waits must be
 * positive (as in Packer), and every character must exist on a US keyboard.
 */
export function bootCommandProblems(expressions: BootExpression[]): string[] {
  const problems: string[] = [];
  for (const e of expressions) {
    if (e.kind === 'wait' && !(e.ms > 0)) problems.push(`${e.source}: a wait must be positive`);
    if (e.kind === 'char' && !charKeys(e.char)) {
      const text = `${JSON.stringify(e.char)} cannot be typed: QEMU's keyboard has a US layout; put such text in a file served over HTTP`;
      if (!problems.includes(text)) problems.push(text);
    }
  }
  return problems;
}

/** One QMP input-send-event event. */
export function keyEvent(qcode: string, down: boolean): Record<string, unknown> {
  return { type: 'key', data: { down, key: { type: 'qcode', data: qcode } } };
}
