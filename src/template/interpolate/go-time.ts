/**
 * Go's time.Format for the reference-time layouts Packer users write ("2006-01-02T15:04:05Z07:00").
 * Packer formats its start time in UTC, so zones always print as UTC.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

type Chunk = { std: string; len: number };

const pad = (n: number, width: number, ch = '0') => String(n).padStart(width, ch);

/** The standard chunk starting at `i`, in the order Go's nextStdChunk tests them. */
function stdChunkAt(layout: string, i: number): Chunk | undefined {
  const at = (s: string) => layout.startsWith(s, i);
  const first = (...names: string[]) => {
    const name = names.find(at);
    return name === undefined ? undefined : { std: name, len: name.length };
  };
  switch (layout[i]) {
    case 'J': return first('January', 'Jan');
    case 'M': return first('Monday', 'Mon', 'MST');
    case '0': return first('002', '01', '02', '03', '04', '05', '06');
    case '1': return first('15', '1');
    case '2': return first('2006', '2');
    case '_': return at('_2006') ? undefined : first('__2', '_2');
    case '3': case '4': case '5': return { std: layout[i], len: 1 };
    case 'P': return first('PM');
    case 'p': return first('pm');
    case '-': return first('-070000', '-07:00:00', '-0700', '-07:00', '-07');
    case 'Z': return first('Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07');
    case '.': case ',': {
      const digit = layout[i + 1];
      if (digit !== '0' && digit !== '9') return undefined;
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (/\d/.test(layout[j] ?? '')) return undefined;
      return { std: layout.slice(i, j), len: j - i };
    }
    default: return undefined;
  }
}

function formatChunk(std: string, t: Date): string {
  const hour = t.getUTCHours();
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  switch (std) {
    case 'January': return MONTHS[t.getUTCMonth()];
    case 'Jan': return MONTHS[t.getUTCMonth()].slice(0, 3);
    case 'Monday': return DAYS[t.getUTCDay()];
    case 'Mon': return DAYS[t.getUTCDay()].slice(0, 3);
    case 'MST': return 'UTC';
    case '002': return pad(dayOfYear(t), 3);
    case '__2': return pad(dayOfYear(t), 3, ' ');
    case '01': return pad(t.getUTCMonth() + 1, 2);
    case '1': return String(t.getUTCMonth() + 1);
    case '02': return pad(t.getUTCDate(), 2);
    case '_2': return pad(t.getUTCDate(), 2, ' ');
    case '2': return String(t.getUTCDate());
    case '03': return pad(hour12, 2);
    case '3': return String(hour12);
    case '04': return pad(t.getUTCMinutes(), 2);
    case '4': return String(t.getUTCMinutes());
    case '05': return pad(t.getUTCSeconds(), 2);
    case '5': return String(t.getUTCSeconds());
    case '06': return pad(t.getUTCFullYear() % 100, 2);
    case '2006': return pad(t.getUTCFullYear(), 4);
    case '15': return pad(hour, 2);
    case 'PM': return hour >= 12 ? 'PM' : 'AM';
    case 'pm': return hour >= 12 ? 'pm' : 'am';
    default: return formatZoneOrFraction(std, t);
  }
}

function formatZoneOrFraction(std: string, t: Date): string {
  if (std.startsWith('Z')) return 'Z';
  if (std.startsWith('-')) return `+${std.slice(1).replace(/\d/g, '0')}`;
  // Fractional seconds: ".000" always prints every digit, ".999" drops trailing zeros.
  const digits = std.length - 1;
  const frac = pad(t.getUTCMilliseconds(), 3).padEnd(9, '0').slice(0, digits);
  if (std[1] === '0') return std[0] + frac;
  const trimmed = frac.replace(/0+$/, '');
  return trimmed ? std[0] + trimmed : '';
}

function dayOfYear(t: Date): number {
  return Math.floor((Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()) - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Formats `t` (in UTC) with a Go reference-time layout. */
export function goTimeFormat(t: Date, layout: string): string {
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const chunk = stdChunkAt(layout, i);
    if (chunk) {
      out += formatChunk(chunk.std, t);
      i += chunk.len;
    } else {
      out += layout[i++];
    }
  }
  return out;
}
