export { plugin } from './plugin.js';
export { resolveOpenstack } from './resolve.js';
export type { ResolvedOpenstack } from './resolved.js';
export type { OpenstackConfig } from './schema.js';
