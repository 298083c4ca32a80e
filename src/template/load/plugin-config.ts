import { BakeError, ErrorList } from '../../core/errors.js';
import type { ErrorObject } from 'ajv';
import type { Plugin, PluginEnv, UnsupportedOption } from '../../plugins/types.js';
import { validatorFor } from './ajv.js';
import { formatAjvErrors } from './format-errors.js';
import { weakDecode } from './weak-decode.js';

export interface Findings {
  errors: string[];
  warnings: string[];
  sensitiveValues: string[];
}

/**
 * Checks an interpolated plugin block (common keys already removed) and creates the plugin's
 * object: unsupported Packer options warned about and dropped, or refused; the rest validated
 * with coercion and defaults. Returns undefined when the block has errors. Errors about the
 * values at `unset` (JSON pointers of values using a variable without a value) are left out, and
 * the plugin is then not created.
 */
export function createPlugin<P extends Plugin>(
  plugin: P,
  config: Record<string, unknown>,
  env: PluginEnv,
  commonKeys: string[],
  findings: Findings,
  unset: string[] = [],
): ReturnType<P['create']> | undefined {
  const checked = structuredClone(config);
  let failed = false;
  const inert = new Map<string, string[]>();
  const ignored = new Map<string, string[]>();
  const refused = new Map<string, string[]>();
  const unsupported = plugin.unsupported ?? {};
  for (const key of Object.keys(checked)) {
    if (!Object.hasOwn(unsupported, key)) continue;
    const option = unsupported[key]!;
    const { effect, why } = option;
    const note = inertNote(option, checked[key], config);
    delete checked[key];
    if (note !== undefined) {
      inert.set(note, [...(inert.get(note) ?? []), key]);
      continue;
    }
    const byReason = effect === 'error' ? refused : ignored;
    byReason.set(why, [...(byReason.get(why) ?? []), key]);
  }
  // One line per reason, so bento's three vnc_* (or winrm_*) options make one line, not three.
  const line = (why: string, keys: string[]) =>
    `${env.file}: ${keys.length === 1 ? `${env.path}.${keys[0]}` : `${env.path}: ${keys.join(', ')}`}: not supported by bake's ${plugin.type} ${plugin.kind}: ${why}`;
  for (const [why, keys] of refused) addOnce(findings.errors, line(why, keys));
  for (const [why, keys] of ignored) addOnce(findings.warnings, `${line(why, keys)} (ignored)`);
  if (refused.size > 0) failed = true;
  for (const [note, keys] of inert) {
    const phrase = note === EMPTY || note === DEFAULT ? `as ${keys.length === 1 ? 'it is' : 'they are'} ${note}` : note;
    addOnce(findings.warnings, `${env.file}: ${env.path}: ${keys.join(', ')}: ignored, ${phrase}`);
  }
  weakDecode(checked, plugin.schema);
  const validate = validatorFor(plugin.schema);
  if (!validate(checked)) {
    const errors = withoutUnset(validate.errors ?? [], unset);
    for (const line of formatAjvErrors(env.file, env.path, errors, commonKeys)) addOnce(findings.errors, line);
    failed = true;
  }
  for (const key of plugin.sensitive ?? []) collectStrings(checked[key], findings.sensitiveValues);
  if (failed || unset.length > 0) return undefined;
  try {
    return plugin.create(checked, env) as ReturnType<P['create']>;
  } catch (err) {
    if (!(err instanceof BakeError)) throw err;
    // An ErrorList's lines each name their place already, which may be another file (a state file's line).
    if (err instanceof ErrorList) for (const line of err.messages) addOnce(findings.errors, line);
    else addOnce(findings.errors, err.message.startsWith(env.file) ? err.message : `${env.file}: ${env.path}: ${err.message}`);
    return undefined;
  }
}

const EMPTY = 'empty';
const DEFAULT = 'set to Packer\'s default';

/** Why an unsupported option changes nothing with this value in this block (EMPTY, DEFAULT or a phrase), or undefined when it would. */
function inertNote(option: UnsupportedOption, value: unknown, config: Record<string, unknown>): string | undefined {
  const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  if (empty) return EMPTY;
  // Compared as text: JSON templates may give "false" where HCL2 gives false.
  if (option.inert?.some((v) => String(v) === String(value))) return DEFAULT;
  return option.inertWhen?.(config);
}

/** ajv errors except those about a value at (or inside) one of the `unset` JSON pointers. */
export function withoutUnset(errors: ErrorObject[], unset: string[]): ErrorObject[] {
  if (unset.length === 0) return errors;
  return errors.filter((err) => {
    const missing = (err.params as { missingProperty?: string }).missingProperty;
    const pointer = err.keyword === 'required' && missing !== undefined ? `${err.instancePath}/${missing}` : err.instancePath;
    return !unset.some((p) => pointer === p || pointer.startsWith(`${p}/`));
  });
}

export function addOnce(list: string[], line: string): void {
  if (!list.includes(line)) list.push(line);
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string' && value !== '') addOnce(out, value);
  else if (typeof value === 'number') addOnce(out, String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, out));
}
