export { render, hasActions, RUN_START, type RenderContext } from './interpolate/index.js';
export { loadTemplate, readSource, readTemplateFile, formatTemplate, readVarFile, STDIN, templateName, type LoadOptions } from './load/index.js';
export { jsonConsoleEvaluator, type ConsoleEvaluator, type ConsoleInput } from './load/index.js';
export { generateSchema } from './schema/index.js';
export type * from './plan.js';
