export { bakeVersion } from '../core/package-root.js';
