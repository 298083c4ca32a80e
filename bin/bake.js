#!/usr/bin/env node
// The CLI is one esbuild bundle (plus lazily loaded chunks for the cloud clients): loading ~150
// small modules one by one doubled the start-up time of `bake validate`.
import { main } from '../dist/bundle/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
