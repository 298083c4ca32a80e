export { plugin } from './plugin.js';
export { NullBuilder } from './builder.js';
export type { NullConfig } from './schema.js';
