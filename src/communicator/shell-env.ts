import { BakeError } from '../core/errors.js';

/** Quotes a value for a POSIX shell: 'it'\''s' */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `export K='v'; ` for each variable. The SSH "env" request would need AcceptEnv on the server,
 * which stock sshd configs limit to LANG/LC_*, so variables travel inside the command instead.
 */
export function exportPrefix(env: Record<string, string> | undefined): string {
  if (!env) return '';
  return Object.entries(env)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new BakeError(`invalid environment variable name ${JSON.stringify(name)}: use letters, digits and _`);
      return `export ${name}=${shellQuote(value)}; `;
    })
    .join('');
}
