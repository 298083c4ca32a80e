export { render, hasActions } from './render.js';
export type { RenderContext } from './render-context.js';
export { goTimeFormat, RFC3339 } from './go-time.js';
