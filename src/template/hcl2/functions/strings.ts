import { FunctionError, type HclFunction } from '../function-types.js';
import { numberText } from '../values.js';
import { list, num, str } from './args.js';

const s1 = (f: (s: string) => unknown): HclFunction => ({ arity: [1, 1], call: (a) => f(str(a, 0)) });

/** Go's regexp syntax is close enough to JavaScript's for the patterns templates use; (?P<n>) is Go's named group. */
export function goRegExp(pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags + 'u');
  } catch (err) {
    throw new FunctionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`, 0);
  }
}

/** Go's replacement syntax: $1, ${1}, ${name}; $$ is a dollar. */
function goReplacement(repl: string): string {
  return repl.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (m, braced?: string, bare?: string) => {
    if (m === '$$') return '$$';
    const name = braced ?? bare!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

/** HCL's format(): Go verbs %s %d %f %v %q %t %x %#v, widths and precision. */
export function hclFormat(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(/%(\[\d+\])?([-+ 0#]*)(\d*)(\.\d+)?([a-zA-Z%])/g, (whole, explicit: string | undefined, flags: string, width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (explicit) next = Number(explicit.slice(1, -1)) - 1;
    if (next >= args.length) throw new FunctionError(`too few arguments for the format ${JSON.stringify(format)}`);
    const arg = args[next++];
    let text: string;
    switch (verb) {
      case 'v':
        text = flags.includes('#') ? JSON.stringify(arg) : typeof arg === 'string' ? arg : typeof arg === 'number' ? numberText(arg) : JSON.stringify(arg);
        break;
      case 's':
        text = typeof arg === 'number' ? numberText(arg) : typeof arg === 'string' || typeof arg === 'boolean' ? String(arg) : JSON.stringify(arg);
        break;
      case 'q':
        text = JSON.stringify(typeof arg === 'string' ? arg : String(arg));
        break;
      case 't':
        text = String(arg);
        break;
      case 'd':
        text = numberText(Math.trunc(num([arg], 0)));
        if (flags.includes('+') && !text.startsWith('-')) text = `+${text}`;
        break;
      case 'f': case 'e': case 'g': {
        const n = num([arg], 0);
        const p = precision ? Number(precision.slice(1)) : 6;
        text = verb === 'f' ? n.toFixed(p) : verb === 'e' ? n.toExponential(p) : String(n);
        break;
      }
      case 'x': case 'X':
        text = typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(String(arg)).toString('hex');
        if (verb === 'X') text = text.toUpperCase();
        break;
      default:
        throw new FunctionError(`unsupported format verb ${JSON.stringify(whole)}`);
    }
    const w = Number(width || 0);
    return flags.includes('-') ? text.padEnd(w) : text.padStart(w, flags.includes('0') && /[dfx]/i.test(verb) ? '0' : ' ');
  });
}

export const stringFunctions: Record<string, HclFunction> = {
  upper: s1((s) => s.toUpperCase()),
  lower: s1((s) => s.toLowerCase()),
  title: s1((s) => s.replace(/(^|\s)(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase())),
  trimspace: s1((s) => s.trim()),
  chomp: s1((s) => s.replace(/(\r?\n)+$/, '')),
  strrev: s1((s) => [...s].reverse().join('')),
  trim: { arity: [2, 2], call: (a) => { const set = [...str(a, 1)]; let s = str(a, 0); while (s && set.includes(s[0])) s = s.slice(1); while (s && set.includes(s[s.length - 1])) s = s.slice(0, -1); return s; } },
  trimprefix: { arity: [2, 2], call: (a) => { const s = str(a, 0); const p = str(a, 1); return s.startsWith(p) ? s.slice(p.length) : s; } },
  trimsuffix: { arity: [2, 2], call: (a) => { const s = str(a, 0); const p = str(a, 1); return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s; } },
  startswith: { arity: [2, 2], call: (a) => str(a, 0).startsWith(str(a, 1)) },
  endswith: { arity: [2, 2], call: (a) => str(a, 0).endsWith(str(a, 1)) },
  strcontains: { arity: [2, 2], call: (a) => str(a, 0).includes(str(a, 1)) },
  split: { arity: [2, 2], call: (a) => str(a, 1).split(str(a, 0)) },
  join: {
    arity: [2, Infinity],
    call: (a) => {
      const sep = str(a, 0);
      return a.slice(1).flatMap((_l, i) => list(a, i + 1).map((v, k) => {
        if (v === null) throw new FunctionError(`element ${k} of argument ${i + 2} is null`, i + 1);
        return str([v], 0);
      })).join(sep);
    },
  },
  replace: {
    arity: [3, 3],
    call: (a) => {
      const s = str(a, 0);
      const sub = str(a, 1);
      const repl = str(a, 2);
      const m = /^\/(.*)\/$/s.exec(sub);
      if (m) return s.replace(goRegExp(m[1], 'g'), goReplacement(repl));
      return s.split(sub).join(repl);
    },
  },
  regex_replace: { arity: [3, 3], call: (a) => str(a, 0).replace(goRegExp(str(a, 1), 'g'), goReplacement(str(a, 2))) },
  regex: {
    arity: [2, 2],
    call: (a) => {
      const re = goRegExp(str(a, 0));
      const m = re.exec(str(a, 1));
      if (!m) throw new FunctionError('the pattern did not match the string', 1);
      if (m.groups) return { ...m.groups };
      return m.length > 1 ? m.slice(1) : m[0];
    },
  },
  regexall: {
    arity: [2, 2],
    call: (a) => [...str(a, 1).matchAll(goRegExp(str(a, 0), 'g'))].map((m) => (m.groups ? { ...m.groups } : m.length > 1 ? m.slice(1) : m[0])),
  },
  substr: {
    arity: [3, 3],
    call: (a) => {
      const chars = [...str(a, 0)];
      let offset = Math.trunc(num(a, 1));
      let length = Math.trunc(num(a, 2));
      if (offset < 0) offset += chars.length;
      if (offset < 0 || offset > chars.length) throw new FunctionError('offset is out of range', 1);
      if (length < 0 || offset + length > chars.length) length = chars.length - offset;
      return chars.slice(offset, offset + length).join('');
    },
  },
  indent: { arity: [2, 2], call: (a) => str(a, 1).replace(/\n/g, `\n${' '.repeat(num(a, 0))}`) },
  format: { arity: [1, Infinity], call: (a) => hclFormat(str(a, 0), a.slice(1)) },
  formatlist: {
    arity: [1, Infinity],
    call: (a) => {
      const fmt = str(a, 0);
      const rest = a.slice(1);
      const lengths = rest.filter(Array.isArray).map((l) => (l as unknown[]).length);
      if (lengths.length === 0) return [hclFormat(fmt, rest)];
      if (new Set(lengths).size > 1) throw new FunctionError('all list arguments must have the same length');
      return Array.from({ length: lengths[0] }, (_v, i) => hclFormat(fmt, rest.map((r) => (Array.isArray(r) ? r[i] : r))));
    },
  },
};
