export { InRoot, kindOf } from './in-root.js';
export { type Holder, Sandbox, type SandboxOptions, type SandboxSpawnOptions } from './sandbox.js';
export { seccompProgram } from './seccomp.js';
export { DROPPED } from './capabilities.js';
export { ImageTransfers } from './transfers.js';
