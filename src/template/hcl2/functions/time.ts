import { goTimeFormat } from '../../interpolate/index.js';
import { strftime } from '../../interpolate/strftime.js';
import { FunctionError, type HclFunction } from '../function-types.js';
import { str } from './args.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** RFC 3339 in UTC, seconds only, as HCL's timestamp() prints it. */
export function rfc3339(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseTimestamp(s: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    throw new FunctionError(`not an RFC 3339 timestamp: ${JSON.stringify(s)} (like "2024-01-31T12:00:00Z")`, 1);
  }
  return new Date(s);
}

/** HCL's formatdate spec: YYYY MM DD hh mm ss, names (MMM, EEEE), 'quoted literals'. Times are UTC. */
export function formatDate(spec: string, t: Date): string {
  const tokens: Record<string, () => string> = {
    YYYY: () => String(t.getUTCFullYear()),
    YY: () => pad(t.getUTCFullYear() % 100),
    MMMM: () => MONTHS[t.getUTCMonth()],
    MMM: () => MONTHS[t.getUTCMonth()].slice(0, 3),
    MM: () => pad(t.getUTCMonth() + 1),
    M: () => String(t.getUTCMonth() + 1),
    DD: () => pad(t.getUTCDate()),
    D: () => String(t.getUTCDate()),
    EEEE: () => DAYS[t.getUTCDay()],
    EEE: () => DAYS[t.getUTCDay()].slice(0, 3),
    hh: () => pad(t.getUTCHours()),
    h: () => String(t.getUTCHours()),
    HH: () => pad(t.getUTCHours() % 12 || 12),
    H: () => String(t.getUTCHours() % 12 || 12),
    AA: () => (t.getUTCHours() < 12 ? 'AM' : 'PM'),
    aa: () => (t.getUTCHours() < 12 ? 'am' : 'pm'),
    mm: () => pad(t.getUTCMinutes()),
    m: () => String(t.getUTCMinutes()),
    ss: () => pad(t.getUTCSeconds()),
    s: () => String(t.getUTCSeconds()),
    ZZZZZ: () => '+00:00',
    ZZZZ: () => '+0000',
    ZZZ: () => 'UTC',
    Z: () => 'Z',
  };
  const names = Object.keys(tokens).sort((a, b) => b.length - a.length);
  let out = '';
  let i = 0;
  while (i < spec.length) {
    if (spec[i] === "'") {
      const end = spec.indexOf("'", i + 1);
      if (end < 0) throw new FunctionError('unterminated quoted literal in the format', 0);
      out += end === i + 1 ? "'" : spec.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    const name = names.find((n) => spec.startsWith(n, i));
    if (name) {
      out += tokens[name]();
      i += name.length;
    } else if (/[A-Za-z]/.test(spec[i])) {
      throw new FunctionError(`invalid date format verb starting at ${JSON.stringify(spec.slice(i))}`, 0);
    } else out += spec[i++];
  }
  return out;
}

/** `now` is the run's start, so every timestamp() in a run agrees, as in Packer. */
export function timeFunctions(now: Date): Record<string, HclFunction> {
  return {
    timestamp: { arity: [0, 0], call: () => rfc3339(now) },
    formatdate: { arity: [2, 2], call: (a) => formatDate(str(a, 0), parseTimestamp(str(a, 1))) },
    timeadd: {
      arity: [2, 2],
      call: (a) => {
        const m = /^(-?)((?:\d+(?:\.\d+)?(?:h|m|s|ms|us|ns))+)$/.exec(str(a, 1));
        if (!m) throw new FunctionError('not a duration like "1h30m"', 1);
        const unit: Record<string, number> = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, us: 1e-3, ns: 1e-6 };
        let ms = 0;
        for (const [, n, u] of m[2].matchAll(/(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/g)) ms += Number(n) * unit[u];
        return rfc3339(new Date(parseTimestamp(str(a, 0)).getTime() + (m[1] ? -ms : ms)));
      },
    },
    legacy_isotime: { arity: [0, 1], call: (a) => goTimeFormat(now, a.length > 0 ? str(a, 0) : '2006-01-02T15:04:05Z07:00') },
    legacy_strftime: { arity: [1, 1], call: (a) => strftime(now, str(a, 0)) },
  };
}
