import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NoCommunicator } from '../../../src/communicator/index.js';
import { type BreakpointInput, BreakpointProvisioner } from '../../../src/provisioners/breakpoint/index.js';
import { makeProvisionContext } from '../../helpers/context.js';

const comm = new NoCommunicator('not used');
const terminal = (isTTY: boolean): BreakpointInput & PassThrough => Object.assign(new PassThrough(), { isTTY });
const said = (ctx: ReturnType<typeof makeProvisionContext>) => ctx.events.map((e) => `${e.level}: ${e.text}`);

describe('breakpoint provisioner', () => {
  it('pauses until Enter on a terminal, naming the note and how to reach the machine', async () => {
    const input = terminal(true);
    const ctx = makeProvisionContext({ vars: { Host: '10.0.0.5', Port: '2222', User: 'admin' } });
    let resumed = false;
    const running = new BreakpointProvisioner({ note: 'check nginx' }, input).run(ctx, comm).then(() => (resumed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(resumed).toBe(false);
    input.write('\n');
    await running;
    expect(resumed).toBe(true);
    expect(said(ctx)).toEqual(['say: Pausing at breakpoint provisioner with note "check nginx". Press Enter to continue. The machine: ssh -p 2222 admin@10.0.0.5']);
  });

  it('continues with a warning when stdin is not a terminal, and says so when disabled', async () => {
    const ctx = makeProvisionContext();
    await new BreakpointProvisioner({ note: 'look' }, terminal(false)).run(ctx, comm);
    await new BreakpointProvisioner({ disable: true, note: 'later' }, terminal(true)).run(ctx, comm);
    expect(said(ctx)).toEqual([
      'warn: Breakpoint provisioner with note "look": stdin is not a terminal, so nobody can press Enter; continuing without pausing',
      'say: Breakpoint provisioner with note "later" disabled; continuing...',
    ]);
  });

  it('stops waiting when the build is aborted (Ctrl-C)', async () => {
    const controller = new AbortController();
    const ctx = makeProvisionContext({ signal: controller.signal });
    const running = new BreakpointProvisioner({}, terminal(true)).run(ctx, comm);
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(running).rejects.toThrow('interrupted');
  });
});
