export { render, hasActions } from './render.js';
export type { RenderContext } from './render-context.js';
export { UnsetVariable } from './template-error.js';
export { goTimeFormat, RFC3339 } from './go-time.js';
export { RUN_START } from './functions.js';
