// Writes templates/bake.schema.json from the plugin registry. Run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { registry } from '../dist/plugins/registry.js';
import { generateSchema } from '../dist/template/index.js';

const target = new URL('../templates/bake.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(generateSchema(registry), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
