import { StateFailure } from './types.js';

/**
 * Renders `{{ .key }}` from the provisioner's `vars` (and the builder's values). Anything else
 * between braces is left alone, so files that use another template language pass through.
 */
export function renderVars(text: string, vars: Record<string, string>, what: string): string {
  return text.replace(/\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, key: string) => {
    if (!(key in vars)) throw new StateFailure(`${what}: template variable "${key}" is not defined (known: ${Object.keys(vars).sort().join(', ') || 'none'}; set it in the provisioner's "vars")`);
    return vars[key];
  });
}
