export { plugin } from './plugin.js';
export { BreakpointProvisioner, type BreakpointInput } from './provisioner.js';
export type { BreakpointConfig } from './schema.js';
