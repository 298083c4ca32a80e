import { keepVerbatim } from '../../core/redactor.js';
import { validatorFor } from './ajv.js';
import { closest } from './did-you-mean.js';
import { formatAjvErrors } from './format-errors.js';
import { interpolateConfig } from './interpolate-config.js';
import { weakDecode } from './weak-decode.js';
import { buildRenderContext, type Loader } from './loader.js';
import { addOnce, withoutUnset } from './plugin-config.js';

const schemas = new WeakMap<object, object>();

/** The schema the common keys are checked against (one object per `properties`, so ajv's cache and the precompiled validators find it). */
export function commonKeysSchema(properties: object): object {
  let schema = schemas.get(properties);
  if (!schema) {
    schema = { type: 'object', properties };
    schemas.set(properties, schema);
  }
  return schema;
}

/** Splits a block into the template layer's common keys and the plugin's own keys. */
export function splitBlock(block: Record<string, unknown>, properties: object): [Record<string, unknown>, Record<string, unknown>] {
  const common: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(block)) {
    if (k.startsWith('_')) continue;
    (Object.hasOwn(properties, k) ? common : rest)[k] = v;
  }
  return [common, rest];
}

/** Interpolates and validates the common keys (coercing, with defaults); undefined when invalid. */
export function checkCommon(loader: Loader, properties: object, common: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const { type, ...others } = common;
  const where = { file: loader.file, path, errors: loader.findings.errors };
  const interpolated = interpolateConfig(others, buildRenderContext(loader), where);
  if (!interpolated.ok) return undefined;
  const rendered: Record<string, unknown> = { type, ...interpolated.config };
  const schema = commonKeysSchema(properties);
  weakDecode(rendered, schema);
  const validate = validatorFor(schema);
  if (validate(rendered)) return interpolated.unset.length === 0 ? rendered : undefined;
  for (const line of formatAjvErrors(loader.file, path, withoutUnset(validate.errors ?? [], interpolated.unset))) {
    addOnce(loader.findings.errors, line);
  }
  return undefined;
}

/** Each name in `only`/`except`/`override` must be a build of the template. */
export function checkBuildNames(loader: Loader, names: string[] | undefined, path: (i: number) => string, builds: string[]): void {
  names?.forEach((name, i) => {
    if (builds.includes(name)) return;
    const guess = closest(name, builds);
    const hint = guess ? `did you mean "${guess}"?` : `builds are ${builds.map((b) => `"${b}"`).join(', ')}`;
    addOnce(loader.findings.errors, `${loader.file}: ${path(i)}: unknown build name "${name}"; ${hint}`);
  });
}

/** The error for a type the registry does not know, listing the known ones. */
export function unknownType(loader: Loader, kind: string, type: unknown, path: string, known: Iterable<string>): void {
  const list = [...known].sort();
  const guess = typeof type === 'string' ? closest(type, list) : undefined;
  const hint = guess ? `; did you mean "${guess}"?` : '';
  // bake's own type names are never secrets, though bento's ssh_password "vagrant" is also one of them.
  const knownTypes = `known types: ${list.join(', ')}${hint}`;
  keepVerbatim(knownTypes);
  addOnce(loader.findings.errors, `${loader.file}: ${path}.type: unknown ${kind} type ${JSON.stringify(type)}; ${knownTypes}`);
}
