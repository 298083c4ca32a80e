export { InRoot, kindOf } from './in-root.js';
export { type Holder, Sandbox, type SandboxOptions } from './sandbox.js';
export type { SandboxCommand } from './launcher.js';
export { seccompProgram } from './seccomp.js';
export { DROPPED } from './capabilities.js';
export { ImageTransfers } from './transfers.js';
export { blockedDestinations, startPrivateNetwork } from './private-network.js';
