import { describe, expect, it } from 'vitest';
import { BakeError } from '../../src/core/errors.js';
import { planBuilds } from '../../src/core/plan-builds.js';
import type { Builder } from '../../src/plugins/types.js';
import type { BuildPlan, PlannedBuild } from '../../src/template/plan.js';
import { recordingBus } from '../helpers/context.js';

const never = async () => {
  throw new Error('run() must not be called by a plan');
};

function build(name: string, builder: Builder): PlannedBuild {
  const provisioner = { type: 'shell', path: 'provisioners[0]', instance: { run: never }, pauseBeforeMs: 0, maxRetries: 0, timeoutMs: 0 };
  const pp = { type: 'manifest', path: 'post-processors[0]', instance: { run: never }, keepInputArtifact: false };
  return { name, type: 'fake', path: 'builders[0]', builder, provisioners: [provisioner], postProcessorChains: [[pp]] };
}

describe('planBuilds', () => {
  it('asks each selected builder for its plan and runs nothing', async () => {
    const withPlan: Builder = { run: never, plan: async (ctx) => [`source image for ${ctx.buildName}: img-1`] };
    const withoutPlan: Builder = { run: never };
    const failing: Builder = { run: never, plan: async () => { throw new BakeError('ami_name "web" already exists in eu-west-1'); } };
    const plan: BuildPlan = {
      file: 't.json', templateDir: '.', variables: [], sensitiveValues: [], warnings: [],
      builds: [build('a', withPlan), build('b', withoutPlan), build('c', failing), build('skipped', withPlan)],
    };
    const { bus, lines } = recordingBus();
    const results = await planBuilds(plan, ['a', 'b', 'c'], bus, new AbortController().signal, '/nonexistent/journal.jsonl');
    expect(results).toEqual([
      { name: 'a', lines: ['source image for a: img-1', 'provisioners: shell', 'post-processors: manifest'] },
      { name: 'b', lines: ['fake build (this builder creates nothing before it runs; no details to resolve)', 'provisioners: shell', 'post-processors: manifest'] },
      { name: 'c', lines: ['provisioners: shell', 'post-processors: manifest'], error: 'ami_name "web" already exists in eu-west-1' },
    ]);
    expect(lines()).toContain('error: ami_name "web" already exists in eu-west-1');
  });
});
