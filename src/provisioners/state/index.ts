export { plugin } from './plugin.js';
export { StateProvisioner } from './provisioner.js';
export { resolveStateConfig, stateSchema, type StateConfig, type ResolvedStateConfig } from './schema.js';
export { runStates, type PlannedState, type RunOutcome, type EngineOptions } from './engine.js';
export { FUNCTION_NAMES } from './modules/catalog.js';
export type { StateResult } from './types.js';
