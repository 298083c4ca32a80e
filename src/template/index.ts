export { render, hasActions, type RenderContext } from './interpolate/index.js';
export type * from './plan.js';
