export { plugin } from './plugin.js';
export { AnsibleProvisioner } from './provisioner.js';
export { resolveAnsible, type ResolvedAnsible } from './resolve.js';
export type { AnsibleConfig } from './schema.js';
