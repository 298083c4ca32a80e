import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two files at a time, as the README says. vitest's own default is one worker less than the
    // cores, so on the 2-core machines this suite is run on it ran one file at a time, and most of
    // its files spend their time waiting (on sshd, the fakes' polls, child processes), not on a core.
    // `--no-file-parallelism` (the integration part) still runs one file at a time.
    maxWorkers: 2,
  },
});
