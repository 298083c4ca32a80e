export { InRoot, kindOf } from './in-root.js';
