import { StateFailure } from './types.js';
import { didYouMean } from './suggest.js';

const VAR = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Renders `{{ .key }}` from the provisioner's `vars` (and the builder's values). Anything else
 * between braces is left alone, so files that use another template language pass through.
 */
export function renderVars(text: string, vars: Record<string, string>, what: string): string {
  const missing = undefinedVars(text, Object.keys(vars), what);
  if (missing.length > 0) throw new StateFailure(missing[0]);
  return fillVars(text, vars);
}

/** `{{ .key }}` replaced by vars[key], or by `fallback` where a key is not defined. */
export function fillVars(text: string, vars: Record<string, string>, fallback = ''): string {
  return text.replace(VAR, (_, key: string) => vars[key] ?? fallback);
}

/** One message per `{{ .key }}` of `text` whose key is not among `known`: `web.yaml:7: template variable "versio" …`. */
export function undefinedVars(text: string, known: readonly string[], what: string, shownKnown: readonly string[] = known): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VAR)) {
    if (known.includes(m[1])) continue;
    const line = text.slice(0, m.index).split('\n').length;
    const listed = [...shownKnown].sort().join(', ') || 'none';
    out.push(`${what}:${line}: template variable "${m[1]}" is not defined${didYouMean(m[1], known)} (known: ${listed}; set it in the provisioner's "vars")`);
  }
  return out;
}
