export { plugin } from './plugin.js';
export { ShellLocalProvisioner } from './provisioner.js';
export { resolveShellLocal, type ResolvedShellLocal } from './resolve.js';
export { runShellLocal, type LocalRun } from './run-local.js';
export { shellLocalProperties, shellLocalUnsupported, type ShellLocalConfig } from './schema.js';
