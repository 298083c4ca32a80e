import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Communicator } from '../../src/communicator/types.js';
import type { Artifact } from '../../src/core/artifact.js';
import { BakeError } from '../../src/core/errors.js';
import { runBuilds } from '../../src/core/orchestrator.js';
import { sleep } from '../../src/core/wait.js';
import type { Builder, PostProcessor, Provisioner } from '../../src/plugins/types.js';
import type { BuildPlan, PlannedBuild, PlannedPostProcessor, PlannedProvisioner } from '../../src/template/plan.js';
import { recordingBus } from '../helpers/context.js';

/** A communicator that only records; the orchestrator never looks inside it. */
const comm: Communicator = {
  exec: async () => ({ exitCode: 0, stderrTail: [] }),
  upload: async () => {},
  uploadData: async () => {},
  download: async () => {},
  close: async () => {},
};

function artifact(id: string, log: string[], builderType = 'fake'): Artifact {
  return { builderType, buildName: 'b', id, files: [], images: {}, metadata: {}, description: `artifact ${id}`, destroy: async () => void log.push(`destroy ${id}`) };
}

function build(name: string, builder: Builder, provisioners: PlannedProvisioner[] = [], chains: PlannedPostProcessor[][] = []): PlannedBuild {
  return { name, type: 'fake', path: 'builders[0]', builder, provisioners, postProcessorChains: chains };
}

function provisioner(run: Provisioner['run'], extra: Partial<PlannedProvisioner> = {}): PlannedProvisioner {
  return { type: 'shell', path: 'provisioners[0]', instance: { run }, pauseBeforeMs: 0, maxRetries: 0, timeoutMs: 0, ...extra };
}

function plan(builds: PlannedBuild[], sensitiveValues: string[] = []): BuildPlan {
  return { file: 't.json', templateDir: '.', variables: [], builds, sensitiveValues, warnings: [] };
}

const journalPath = () => join(mkdtempSync(join(tmpdir(), 'bake-orch-')), 'journal.jsonl');

describe('runBuilds', () => {
  it('runs provisioners through the builder, then returns the artifact', async () => {
    const log: string[] = [];
    const builder: Builder = {
      run: async (ctx) => {
        log.push('boot');
        await ctx.provision(comm);
        log.push('snapshot');
        return artifact('img-1', log);
      },
    };
    const provs = [provisioner(async () => void log.push('p1')), provisioner(async () => void log.push('p2'))];
    const { bus } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', builder, provs)]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(log).toEqual(['boot', 'p1', 'p2', 'snapshot']);
    expect(r.error).toBeUndefined();
    expect(r.artifacts.map((a) => a.id)).toEqual(['img-1']);
  });

  it('runs the error-cleanup provisioner after a failed provisioner, before the builder\'s cleanup; not with -on-error=abort', async () => {
    for (const onError of ['cleanup', 'abort'] as const) {
      const log: string[] = [];
      const builder: Builder = {
        run: async (ctx) => {
          try {
            await ctx.provision(comm, { Host: 'h1' });
          } finally {
            log.push('builder cleanup');
          }
          return artifact('never', log);
        },
      };
      const failing = provisioner(async () => {
        log.push('p1');
        throw new BakeError('p1 broke');
      });
      const b = { ...build('a', builder, [failing]), errorCleanupProvisioner: provisioner(async () => void log.push('error cleanup'), { path: 'error-cleanup-provisioner' }) };
      const { bus } = recordingBus();
      const [r] = await runBuilds({ plan: plan([b]), bus, onError, signal: new AbortController().signal, journalPath: journalPath() });
      expect(r.error).toBe('p1 broke');
      expect(log).toEqual(onError === 'cleanup' ? ['p1', 'error cleanup', 'builder cleanup'] : ['p1', 'builder cleanup']);
    }
  });

  it('remakes a provisioner that uses build values with the values of the machine it runs on', async () => {
    const seen: string[] = [];
    const builder: Builder = { run: async (ctx) => (await ctx.provision(comm, { Host: '10.1.2.3', ID: 'i-1' }), artifact('img', [])) };
    const p = provisioner(async () => void seen.push('placeholder'), { forBuild: (v) => ({ run: async () => void seen.push(`${v.ID} ${v.Host} ${v.ConnType || '-'} ${v.PackerHTTPAddr}`) }) });
    const { bus } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', builder, [p])]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(r.error).toBeUndefined();
    expect(seen).toEqual(['i-1 10.1.2.3 - ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER']);
  });

  it('keeps other builds going when one fails, unless -on-error=abort', async () => {
    const failing: Builder = { run: async () => { throw new BakeError('boom'); } };
    const slow: Builder = {
      run: async (ctx) => {
        await sleep(100, ctx.signal);
        return artifact('ok', []);
      },
    };
    const { bus } = recordingBus();
    const results = await runBuilds({ plan: plan([build('bad', failing), build('good', slow)]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(results.map((r) => [r.name, r.error])).toEqual([['bad', 'boom'], ['good', undefined]]);

    const aborted = await runBuilds({ plan: plan([build('bad', failing), build('good', slow)]), bus, onError: 'abort', signal: new AbortController().signal, journalPath: journalPath() });
    expect(aborted[1].aborted).toBe(true);
    expect(aborted[1].error).toBe("aborted: build 'bad' failed and -on-error=abort was given");
  });

  it('runs at most -parallel-builds builds at once', async () => {
    let running = 0;
    let peak = 0;
    const b: Builder = {
      run: async () => {
        peak = Math.max(peak, ++running);
        await sleep(30);
        running--;
        return undefined;
      },
    };
    const builds = ['a', 'b', 'c', 'd'].map((n) => build(n, b));
    const { bus } = recordingBus();
    await runBuilds({ plan: plan(builds), bus, parallel: 2, signal: new AbortController().signal, journalPath: journalPath() });
    expect(peak).toBe(2);
    peak = 0;
    await runBuilds({ plan: plan(builds), bus, parallel: 0, signal: new AbortController().signal, journalPath: journalPath() });
    expect(peak).toBe(4);
  });

  it('retries a provisioner max_retries times and times it out', async () => {
    let attempts = 0;
    const flaky = provisioner(async () => {
      attempts++;
      if (attempts < 3) throw new BakeError(`attempt ${attempts} failed`);
    }, { maxRetries: 2 });
    const hanging = provisioner(async (ctx) => sleep(10_000, ctx.signal), { timeoutMs: 50, path: 'provisioners[1]' });
    const builder: Builder = { run: async (ctx) => { await ctx.provision(comm); return undefined; } };
    const { bus, lines } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', builder, [flaky, hanging])]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(attempts).toBe(3);
    expect(lines()).toContain('warn: shell provisioner failed (attempt 1 of 3): attempt 1 failed; retrying');
    expect(r.error).toBe('provisioners[1] (shell): timed out after 50ms');
  });

  it('aborts every build when the run signal fires', async () => {
    const controller = new AbortController();
    const b: Builder = { run: async (ctx) => { await sleep(10_000, ctx.signal); return undefined; } };
    const { bus } = recordingBus();
    setTimeout(() => controller.abort(new BakeError('interrupted')), 30);
    const results = await runBuilds({ plan: plan([build('a', b), build('b', b)]), bus, signal: controller.signal, journalPath: journalPath() });
    expect(results.map((r) => r.error)).toEqual(['aborted: interrupted', 'aborted: interrupted']);
  });

  it('redacts sensitive values in every event', async () => {
    const b: Builder = { run: async (ctx) => { ctx.log.say('password is hunter22'); throw new BakeError('login with hunter22 failed'); } };
    const { bus, lines } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', b)], ['hunter22']), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(lines().join('\n')).not.toContain('hunter22');
    expect(lines()).toContain('say: password is <sensitive>');
    expect(r.error).toBe('login with <sensitive> failed');
  });
});

describe('post-processor chains', () => {
  function pp(type: string, log: string[], make: (input: Artifact) => Artifact, forceKeepInput = false): PostProcessor {
    return { run: async (_ctx, input) => { log.push(`${type}(${input.id})`); return { artifact: make(input), forceKeepInput }; } };
  }
  const planned = (type: string, instance: PostProcessor, keepInputArtifact = false): PlannedPostProcessor => ({ type, path: `post-processors[0]`, instance, keepInputArtifact });

  it('destroys the builder artifact unless a chain keeps it, and intermediate artifacts unless kept', async () => {
    const log: string[] = [];
    const builder: Builder = { run: async () => artifact('raw', log) };
    const compress = planned('compress', pp('compress', log, () => artifact('raw.gz', log)));
    const checksum = planned('checksum', pp('checksum', log, () => artifact('raw.gz.sha256', log)));
    const { bus } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', builder, [], [[compress, checksum]])]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(log).toEqual(['compress(raw)', 'checksum(raw.gz)', 'destroy raw.gz', 'destroy raw']);
    expect(r.artifacts.map((a) => a.id)).toEqual(['raw.gz.sha256']);
  });

  it('keeps inputs with keep_input_artifact or when the post-processor passes its input through', async () => {
    const log: string[] = [];
    const builder: Builder = { run: async () => artifact('raw', log) };
    const compress = planned('compress', pp('compress', log, () => artifact('raw.gz', log)), true);
    const manifest = planned('manifest', pp('manifest', log, (input) => input, true));
    const { bus } = recordingBus();
    const [r] = await runBuilds({ plan: plan([build('a', builder, [], [[compress], [manifest]])]), bus, signal: new AbortController().signal, journalPath: journalPath() });
    expect(log).toEqual(['compress(raw)', 'manifest(raw)']);
    expect(r.artifacts.map((a) => a.id)).toEqual(['raw', 'raw.gz']);
  });
});
