export { plugin } from './plugin.js';
export { ShellProvisioner } from './provisioner.js';
export { resolveShell, shellSources, type ResolvedShell, type ShellSource } from './resolve.js';
export { buildVars, flattenVars, singleQuoteEscape, userVars, DEFAULT_ENV_VAR_FORMAT } from './env-vars.js';
export { buildInlineScript } from './inline-script.js';
export type { ShellConfig } from './schema.js';
export { checkExit, inlineLabel, type ExitPolicy } from './exit-check.js';
export { splitMarker, type InlinePosition } from './inline-script.js';
