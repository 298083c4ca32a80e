import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/core/artifact.js';
import { runBuilds } from '../../src/core/orchestrator.js';
import type { Builder } from '../../src/plugins/types.js';
import type { SbomMode } from '../../src/supply-chain/run-options.js';
import type { BuildPlan } from '../../src/template/plan.js';
import { recordingBus } from '../helpers/context.js';
import { busyboxRoot, canApk } from '../sbom/stand-ins.js';

/**
 * A build whose image has a damaged dpkg status file, through the orchestrator as `bake build` runs
 * it: the SBOM is collected for real (the inventory script in a chroot of a busybox root holding
 * that file) after the last provisioner. By default a warning and an SBOM marked incomplete, and
 * the build goes on to its snapshot; with `"sbom": "required"` the build fails before it.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const DAMAGED_STATUS = `Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.15-1~deb12u1

Package: libssl3
\u0000\u0007 the rest of this stanza was overwritten
Version: 3.0.15-1~deb12u1
`;

async function buildWithSbom(sbom: SbomMode) {
  const { root, comm } = busyboxRoot({ 'var/lib/dpkg/status': DAMAGED_STATUS, 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n' });
  const runs = mkdtempSync(join(tmpdir(), 'bake-sbom-required-'));
  dirs.push(root, runs);
  const steps: string[] = [];
  const builder: Builder = {
    run: async (ctx) => {
      await ctx.provision(comm);
      steps.push('snapshot');
      return { builderType: 'chroot', buildName: 'web', id: 'web', files: [], images: {}, metadata: {}, description: 'web' } satisfies Artifact;
    },
  };
  const plan: BuildPlan = { file: 't.json', templateDir: '.', variables: [], builds: [{ name: 'web', type: 'chroot', path: 'builders[0]', builder, provisioners: [], postProcessorChains: [], sbom }], sensitiveValues: [], warnings: [] };
  const { bus, events } = recordingBus();
  const [result] = await runBuilds({
    plan,
    bus,
    signal: new AbortController().signal,
    journalPath: join(runs, 'journal.jsonl'),
    supplyChain: { run: { runId: '20261207T031500Z-ab12', runsDir: runs, bakeVersion: '0.1.0' }, template: { path: 't.json', sha256: 'a'.repeat(64), variables: {}, sensitiveVariables: [] } },
  });
  return { result, steps, warnings: events.filter((e) => e.level === 'warn').map((e) => e.text) };
}

describe.skipIf(!canApk)('a package database that cannot be fully read', () => {
  it('by default: a warning, an SBOM marked incomplete with what it could read, and the build goes on', async () => {
    const { result, steps, warnings } = await buildWithSbom(true);
    expect(result.error).toBeUndefined();
    expect(steps).toEqual(['snapshot']);
    expect(warnings).toEqual(['SBOM incomplete: dpkg status: 1 damaged entry skipped']);
    expect(result.supplyChain?.sbom).toMatchObject({ packages: 1, complete: false });
    const doc = JSON.parse(readFileSync(result.supplyChain!.sbom!.file, 'utf8'));
    expect(doc.components.filter((c: { type: string }) => c.type === 'library').map((c: { name: string }) => c.name)).toEqual(['openssl']);
    expect(doc.metadata.properties).toContainEqual({ name: 'bake:sbom:complete', value: 'false' });
    expect(doc.metadata.properties).toContainEqual({ name: 'bake:sbom:problem', value: 'dpkg status: 1 damaged entry skipped' });
  });

  it('"sbom": "required": the build fails before its snapshot, saying where and why', async () => {
    const { result, steps } = await buildWithSbom('required');
    expect(result.error).toBe('t.json: builders[0].sbom is "required" but the SBOM is incomplete: dpkg status: 1 damaged entry skipped');
    expect(steps).toEqual([]);
    expect(result.supplyChain).toBeUndefined();
  });
});
