import { existsSync } from 'node:fs';

const COMMANDS = new Set(['build', 'plan', 'validate', 'inspect', 'console', 'fmt', 'version', 'cleanup', 'rollout', 'rollback', 'prune', 'report', 'verify', 'diff', 'help']);

/**
 * Packer users write single-dash long flags (`-var k=v`, `-only=x`, `-color=false`); commander
 * wants `--`. Rewrites those, keeps GNU flags as they are, and turns `bake FILE` into
 * `bake build FILE`.
 */
export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  let literal = false;
  for (const arg of argv) {
    if (literal) out.push(arg);
    else if (arg === '--') {
      literal = true;
      out.push(arg);
    } else if (/^-[a-zA-Z][a-zA-Z0-9-]+(=.*)?$/s.test(arg)) out.push('-' + arg);
    else out.push(arg);
  }
  const first = out.findIndex((a) => !a.startsWith('-'));
  // Only something that looks like a template (a .json or .pkr.hcl name, or an existing file or directory) becomes `build FILE`, so a typo of a command
  // still gets "unknown command … (did you mean build?)".
  if (first >= 0 && !COMMANDS.has(out[first]) && (/\.(json|pkr\.hcl)$/i.test(out[first]) || existsSync(out[first]))) {
    out.splice(first, 0, 'build');
  }
  return out;
}

/** Collects repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
