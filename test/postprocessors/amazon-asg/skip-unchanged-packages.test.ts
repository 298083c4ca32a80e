import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

const DIGEST = 'a1'.repeat(32);

/** A group running ami-old0001, whose bake:packages-sha256 tag is `runningDigest` (none: an AMI bake did not tag). */
function world(runningDigest: string | undefined) {
  fake.world.addImage(REGION, 'ami-old0001', { tags: runningDigest ? { 'bake:packages-sha256': runningDigest } : {} });
  fake.world.addImage(REGION, 'ami-new0001');
  const lt = fake.world.addTemplate(REGION, 'web-lt', ['ami-old0001']);
  fake.world.addGroup(REGION, { name: 'web', template: { templateId: lt.id, version: '$Default' } });
  return lt;
}

describe('amazon-asg: skip_if_unchanged_packages', () => {
  it('leaves the group alone when the AMI it runs has the same package list', async () => {
    const lt = world(DIGEST);
    const ctx = makePostProcessContext({ supplyChain: { files: [], packagesSha256: DIGEST } });
    const out = await makeAsg({ auto_scaling_group_names: ['web'], skip_if_unchanged_packages: true, instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(lt.versions.map((v) => v.imageId)).toEqual(['ami-old0001']);
    expect(fake.world.region(REGION).refreshes).toEqual([]);
    expect(ctx.events.map((e) => e.text)).toContain(`skip_if_unchanged_packages: web runs ami-old0001, with the same packages (bake:packages-sha256 ${DIGEST.slice(0, 12)}…); changed no group`);
    expect(out.artifact.description).toBe('amazon-asg: every group already ran the AMI');
  });

  it('rolls out when the packages differ, or the running AMI has no digest', async () => {
    for (const running of ['b2'.repeat(32), undefined]) {
      fake.restore();
      fake = installFakeAws();
      const lt = world(running);
      const ctx = makePostProcessContext({ supplyChain: { files: [], packagesSha256: DIGEST } });
      const out = await makeAsg({ auto_scaling_group_names: ['web'], skip_if_unchanged_packages: true, instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
      expect(lt.versions.map((v) => v.imageId)).toEqual(['ami-old0001', 'ami-new0001']);
      expect(out.artifact.description).toBe('amazon-asg: updated web (us-east-1)');
    }
  });

  it('without an SBOM of the build it warns and rolls out as usual', async () => {
    const lt = world(DIGEST);
    const ctx = makePostProcessContext();
    await makeAsg({ auto_scaling_group_names: ['web'], skip_if_unchanged_packages: true, instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(lt.versions.map((v) => v.imageId)).toEqual(['ami-old0001', 'ami-new0001']);
    expect(ctx.events.filter((e) => e.level === 'warn').map((e) => e.text)).toEqual([
      'skip_if_unchanged_packages: this build has no SBOM ("sbom": false, or the image was reused), so its packages cannot be compared; rolling out as usual',
    ]);
  });
});
