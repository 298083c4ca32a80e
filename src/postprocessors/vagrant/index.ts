export { plugin } from './plugin.js';
export type { VagrantConfig } from './schema.js';
