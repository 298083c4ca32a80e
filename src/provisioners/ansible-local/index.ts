export { plugin } from './plugin.js';
export { AnsibleLocalProvisioner } from './provisioner.js';
export type { AnsibleLocalConfig } from './schema.js';
