import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeEc2, startEc2Server } from '../fakes/ec2/index.js';

// The CLI's bundle carries the EC2 client cut down to the commands bake's code names
// (scripts/bundle.mjs, run by `npm test`'s pretest build): a command missing there would fail only
// when the CLI first sends it.
const BUNDLED = join(process.cwd(), 'dist', 'sdk', 'client-ec2.mjs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the bundled EC2 client', () => {
  it('has every command src/ takes from @aws-sdk/client-ec2, and sends them', async () => {
    const named = new Set<string>();
    for (const file of sourceFiles(join(process.cwd(), 'src'))) {
      const text = readFileSync(file, 'utf8');
      if (!/await import\('@aws-sdk\/client-ec2'\)/.test(text)) continue;
      for (const [name] of text.matchAll(/\b[A-Z]\w*Command\b/g)) named.add(name);
    }
    // Files that also use another client name its commands too: only the EC2 package's count.
    const full = (await import('@aws-sdk/client-ec2')) as unknown as Record<string, unknown>;
    const ec2Commands = [...named].filter((n) => n in full);
    expect(ec2Commands.length).toBeGreaterThan(20);
    const sdk = (await import(BUNDLED)) as Record<string, new (input: unknown) => unknown>;
    expect(ec2Commands.filter((n) => typeof sdk[n] !== 'function')).toEqual([]);

    const server = await startEc2Server(new FakeEc2());
    try {
      server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
      const client = new (sdk.EC2Client as unknown as new (c: object) => { send(c: unknown): Promise<{ Images?: { Name?: string }[] }>; destroy(): void })({
        region: 'us-east-1',
        endpoint: server.url,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      });
      const out = await client.send(new sdk.DescribeImagesCommand({ Owners: ['099720109477'] }));
      client.destroy();
      expect(out.Images?.map((i) => i.Name)).toEqual(['ubuntu/images/hvm-ssd/noble']);
    } finally {
      await server.close();
    }
  });
});
