import type { OsRelease } from './inventory.js';

/** Parses os-release(5): KEY=value lines, values optionally quoted with shell quoting. */
export function parseOsRelease(text: string): OsRelease | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], unquote(m[2]));
  }
  const id = fields.get('ID');
  if (!id) return undefined;
  return {
    id,
    ...(fields.get('VERSION_ID') ? { versionId: fields.get('VERSION_ID') } : {}),
    ...(fields.get('VERSION_CODENAME') ? { versionCodename: fields.get('VERSION_CODENAME') } : {}),
    ...(fields.get('PRETTY_NAME') ? { prettyName: fields.get('PRETTY_NAME') } : {}),
    ...(fields.get('NAME') ? { name: fields.get('NAME') } : {}),
  };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
    const inner = v.slice(1, -1);
    return v[0] === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return v;
}
