export { loadTemplate, type LoadOptions } from './load-template.js';
export { readSource, readTemplateFile, STDIN, templateName } from './read-json.js';
export { envelopeSchema, builderCommonProperties, provisionerCommonProperties, postProcessorCommonProperties } from './envelope-schema.js';
export { formatTemplate } from './format-template.js';
export { readVarFile } from './variables.js';
export { jsonConsoleEvaluator, type ConsoleEvaluator, type ConsoleInput } from './console-evaluator.js';
