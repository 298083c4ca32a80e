export { loadHcl2Template, evaluateHcl2Template, type Hcl2LoadOptions, type Hcl2Template } from './packer/load.js';
export { isHcl2Path } from './packer/files.js';
export { evaluateConsoleExpression, formatValue } from './console.js';
export { inspectHcl2 } from './packer/inspect.js';
export { formatHclFile } from './format.js';
