import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/plugins/registry.js';
import { loadHcl2Template } from '../../../src/template/hcl2/index.js';
import { loadTemplate, type BuildPlan } from '../../../src/template/index.js';

const dir = fileURLToPath(new URL('../../../templates/examples/', import.meta.url));

/** What a plan decides, without the template's own name for itself: builds, resolved configs, chains. */
function essence(plan: BuildPlan) {
  return plan.builds.map((b) => ({
    type: b.type,
    builder: b.fingerprint!.template.builder,
    provisioners: b.fingerprint!.provisioners,
    timing: b.provisioners.map((p) => [p.type, p.pauseBeforeMs, p.maxRetries, p.timeoutMs]),
    postProcessors: b.postProcessorChains.map((c) => c.map((p) => [p.type, p.keepInputArtifact])),
  }));
}

/** One plan, two front ends: each example's HCL2 form plans exactly what its JSON form plans. */
describe.each([
  ['local-debian', 'qemu'],
  ['local-debian-chroot', 'chroot'],
])('templates/examples/%s: JSON and HCL2', (name, type) => {
  it('give the same builds, configs, provisioners and post-processor chains', async () => {
    const json = loadTemplate(`${dir}${name}.json`, { registry, env: {} });
    const hcl = await loadHcl2Template(`${dir}${name}.pkr.hcl`, { registry, env: {} });
    expect(hcl.warnings).toEqual([]);
    expect(hcl.builds.map((b) => b.name)).toEqual([`${type}.${json.builds[0].name}`]);
    expect(essence(hcl)).toEqual(essence(json));
    expect(hcl.variables).toEqual(json.variables);
  });
});
