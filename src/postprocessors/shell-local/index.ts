export { plugin, ShellLocalPostProcessor, artifactEnv } from './plugin.js';
