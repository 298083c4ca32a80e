export { AsgClients, asgEndpointFor } from './asg-client.js';
export { call, RolloutClients } from './clients.js';
export { type GroupSelector } from './groups.js';
export { instanceRefreshSchema, resolveRefreshOptions, type RefreshInput, type RefreshOptions } from './refresh-options.js';
export { rollout, type RolloutRequest } from './rollout.js';
export { type SwapContext } from './swap-group.js';
export { type GroupChange, type GroupInfo, type GroupState, type SwapOptions } from './types.js';
