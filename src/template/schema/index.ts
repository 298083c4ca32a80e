export { generateSchema } from './generate-schema.js';
