import { UsageError } from '../../core/errors.js';

export const DEFAULT_ENV_VAR_FORMAT = "%s='%s' ";
export const ENV_FILE_VAR_FORMAT = "export %s='%s'\n";

/** Parses `environment_vars` ("KEY=value") and merges `env` over them, as Packer does. */
export function userVars(
  environmentVars: readonly string[] | undefined,
  env: Record<string, string> | undefined,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  (environmentVars ?? []).forEach((kv, i) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`${where}.environment_vars[${i}]: "${kv}" must look like KEY=value`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  return { ...out, ...env };
}

/** The variables every script gets: Packer's PACKER_* (so existing scripts keep working) and BAKE_* twins. */
export function buildVars(
  build: { buildName: string; buildType: string; vars?: Record<string, string> },
  user: Record<string, string>,
): Record<string, string> {
  const base: Record<string, string> = {
    PACKER_BUILD_NAME: build.buildName,
    PACKER_BUILDER_TYPE: build.buildType,
    BAKE_BUILD_NAME: build.buildName,
    BAKE_BUILDER_TYPE: build.buildType,
  };
  const http = build.vars?.PACKER_HTTP_ADDR;
  if (http) base.PACKER_HTTP_ADDR = http;
  return { ...base, ...user };
}

/** A value inside single quotes: each ' becomes '"'"'. */
export function singleQuoteEscape(value: string): string {
  return value.replaceAll("'", `'"'"'`);
}

/** The {{.Vars}} string: each variable through the format, sorted by name as Packer does. */
export function flattenVars(vars: Record<string, string>, format = DEFAULT_ENV_VAR_FORMAT): string {
  return Object.keys(vars)
    .sort()
    .map((k) => format.replace('%s', () => k).replace('%s', () => singleQuoteEscape(vars[k])))
    .join('');
}
