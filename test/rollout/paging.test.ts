import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutClients } from '../../src/rollout/index.js';
import { prune } from '../../src/rollout/prune.js';
import { installFakeAws, type FakeAws } from '../fakes/asg/index.js';
import { recordingBus } from '../helpers/context.js';

const R = 'us-east-1';
let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

describe('prune with every list paged two items at a time', () => {
  it('keeps the AMI that only the oldest launch template version uses (last page of versions) and an instance on a later page uses', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `ami-web0000${i + 1}`);
    ids.forEach((id, i) => fake.world.addImage(R, id, { name: `web-${i + 1}`, created: `2026-0${i + 1}-01T00:00:00.000Z` }));
    // Versions newest first: v1 (ami-web00001) comes on the third page.
    fake.world.addTemplate(R, 'web-lt', ['ami-web00001', 'ami-web00007', 'ami-web00007', 'ami-web00007', 'ami-web00007']);
    for (let i = 0; i < 4; i++) fake.world.region(R).instances.set(`i-${i}`, { id: `i-${i}`, imageId: i === 3 ? 'ami-web00002' : 'ami-web00007', state: 'running' });
    const { bus, lines } = recordingBus();
    const clients = new RolloutClients({ region: R }, new AbortController().signal);
    const decisions = await prune(clients, { regions: [R], namePrefix: 'web-', keep: 1, dryRun: false }, bus.logger('prune'));
    await clients.destroy();
    expect(decisions.filter((d) => d.action === 'remove').map((d) => d.imageId).sort()).toEqual(['ami-web00003', 'ami-web00004', 'ami-web00005', 'ami-web00006']);
    expect(lines()).toContain('info: kept ami-web00001 (web-1, 2026-01-01) in us-east-1: in use by launch template web-lt version 1');
    expect(lines()).toContain('info: kept ami-web00002 (web-2, 2026-02-01) in us-east-1: in use by instance i-3');
    expect([...fake.world.region(R).images.keys()].sort()).toEqual(['ami-web00001', 'ami-web00002', 'ami-web00007']);
  });
});
