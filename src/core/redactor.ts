const MASK = '<sensitive>';

/**
 * Texts that are never masked inside: the template's own path and file name. A sensitive value
 * that is also a common word ("vagrant") would otherwise turn "066-rgl-ubuntu-vagrant.json" into
 * "066-rgl-ubuntu-<sensitive>.json" in every error, hiding which file is meant.
 */
const verbatim = new Set<string>();

export function keepVerbatim(...texts: string[]): void {
  for (const t of texts) if (t.length > 0) verbatim.add(t);
}

/** Splits text into the parts that are kept verbatim and the parts that may be masked. */
function spans(text: string): { s: string; keep: boolean }[] {
  let parts = [{ s: text, keep: false }];
  for (const k of [...verbatim].sort((a, b) => b.length - a.length)) {
    parts = parts.flatMap((p) => (p.keep || !p.s.includes(k) ? [p] : p.s.split(k).flatMap((s, i) => (i === 0 ? [{ s, keep: false }] : [{ s: k, keep: true }, { s, keep: false }]))));
  }
  return parts;
}

/** Masks sensitive values wherever they stand for themselves. */
export class Redactor {
  private secrets: string[] = [];

  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const s = String(value);
    // A one-character secret would mask every occurrence of that character; skip trivially short ones.
    if (s.length < 2 || this.secrets.includes(s)) return;
    this.secrets.push(s);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.length;
  }

  redact(text: string): string {
    if (this.secrets.length === 0) return text;
    return spans(text)
      .map((p) => (p.keep ? p.s : this.secrets.reduce((out, secret) => out.split(secret).join(MASK), p.s)))
      .join('');
  }
}

/**
 * Every sensitive value this process has learnt, for what is printed outside the event bus: the
 * top-level error and its stack. Event buses and the template loader add to it.
 */
export const processRedactor = new Redactor();
