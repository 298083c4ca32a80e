import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

// A child `bake` cannot share the in-process AWS fakes: these runs cover the CLI wiring and the
// checks made before any AWS call, with every endpoint on a closed loopback port.
const dir = mkdtempSync(join(tmpdir(), 'bake-rollout-cli-'));
writeFileSync(join(dir, 'empty'), '');
const env = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  AWS_CONFIG_FILE: join(dir, 'empty'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'empty'),
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  BAKE_AWS_LOOPBACK_ONLY: '1',
  BAKE_JOURNAL: join(dir, 'journal.jsonl'),
};
const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error: '));

describe('bake rollout / rollback / prune on the command line', () => {
  it('refuses bad usage with exit 2 and one line, before any AWS call', async () => {
    const cases: [string[], string][] = [
      [['prune', '--keep', '0', '--name-prefix', 'web-', '--region', 'us-east-1'], 'Error: --keep: must be at least 1 (got 0); bake never removes every image, the newest one is what your groups roll back to'],
      [['prune', '--keep', '2', '--region', 'us-east-1'], 'Error: prune needs --name-prefix or --tag: bake removes only the images you name'],
      [['rollout', '--ami', 'ami-0123', '--asg', 'web'], 'Error: --region is required (or set AWS_REGION)'],
      [['rollout', '--ami', 'ami-0123', '--asg', 'web', '--region', 'us-east-1', '--checkpoints', '50,20'], 'Error: refresh options.checkpoint_percentages: must be unique, ascending values from 1 to 100, got [50, 20]'],
      [['rollback', '--region', 'us-east-1'], "Error: required option '--asg <name>' not specified"],
    ];
    for (const [args, message] of cases) {
      const r = await runBake(args, { env });
      expect({ args, code: r.code, errors: errors(r.stderr) }).toEqual({ args, code: 2, errors: [message] });
    }
  });

  it('fails with exit 1 naming the call when AWS cannot be reached', async () => {
    const r = await runBake(['rollout', '--ami', 'ami-0123', '--asg', 'web', '--region', 'us-east-1', '--dry-run'], { env });
    expect(r.code).toBe(1);
    expect(errors(r.stderr)).toEqual(['Error: describe Auto Scaling groups in us-east-1: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9']);
  });

  it('lists the commands in the help', async () => {
    const r = await runBake(['--help'], { env });
    expect(r.stdout).toMatch(/rollout \[options\]\s+Swap an existing AMI/);
    expect(r.stdout).toMatch(/rollback \[options\]\s+Point an Auto Scaling group back/);
    expect(r.stdout).toMatch(/prune \[options\]\s+Deregister old AMIs/);
  });
});
