export { render, hasActions, type RenderContext } from './interpolate/index.js';
export { loadTemplate, readTemplateFile, type LoadOptions } from './load/index.js';
export type * from './plan.js';
