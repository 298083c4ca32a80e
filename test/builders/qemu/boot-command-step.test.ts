import { describe, expect, it } from 'vitest';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { bootCommandStep } from '../../../src/builders/qemu/steps/boot-command.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';
import type { VmState } from '../../../src/builders/qemu/state.js';
import { makeBuildContext } from '../../helpers/context.js';

type Ev = { data: { down: boolean; key: { data: string } } };

function fakeVm() {
  const downs: string[] = [];
  const qmp = {
    execute: async (command: string, args: { events: Ev[] }) => {
      expect(command).toBe('input-send-event');
      for (const e of args.events) if (e.data.down) downs.push(e.data.key.data);
      return {};
    },
  };
  return { downs, vm: { qmp, qemu: {}, sshPort: 3022, accel: 'tcg', startedAt: 0 } as unknown as VmState };
}

const run = async (config: QemuConfig, secret?: string) => {
  const c = resolveQemuConfig({ boot_wait: '0.01s', boot_key_interval: '0s', ...config }, { file: 't.json', path: 'builders[0]', templateDir: '/' });
  const ctx = makeBuildContext();
  if (secret) ctx.log.bus.addSecret(secret);
  const { downs, vm } = fakeVm();
  await bootCommandStep(c).run(ctx, { ...vm, workDir: '/w', outputDir: '/out', imagePath: '/out/web.qcow2', httpIp: '10.0.2.2', httpPort: 8123, publicKey: 'ssh-ed25519 AAAA bake' });
  return { downs, lines: ctx.events.map((e) => `${e.level}: ${e.text}`) };
};

describe('bootCommandStep', () => {
  it('fills in {{ .HTTPIP }}, {{ .HTTPPort }}, {{ .Name }} and types through QMP input events', async () => {
    const { downs, lines } = await run({ http_content: { '/ks': '' }, boot_command: ['<esc>', 'ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/{{ .Name }}<enter>'] });
    expect(downs.filter((k) => k !== 'shift').join(' ')).toBe('esc k s equal h t t p semicolon slash slash 1 0 dot 0 dot 2 dot 2 semicolon 8 1 2 3 slash w e b dot q c o w 2 ret');
    expect(lines).toContain('say: Typing the boot command (through QMP)');
    expect(lines).toContain('debug: boot_command: <esc>ks=http://10.0.2.2:8123/web.qcow2<enter>');
  });

  it('logs each group at debug level with sensitive values redacted, and shows boot_steps descriptions', async () => {
    const { lines } = await run({ boot_steps: [['<tab> passwd=hunter22<wait50ms>', 'set the password'], ['<enter>']] }, 'hunter22');
    expect(lines.filter((l) => l.includes('boot') || l.includes('Typing'))).toEqual([
      'say: Waiting 10ms for boot (boot_wait)',
      'say: Typing the boot command (through QMP)',
      'say: Typing boot command for: set the password',
      'debug: boot_command: <tab> passwd=<sensitive>',
      'debug: boot_command: <wait50ms>',
      'debug: boot_command: <enter>',
    ]);
  });
});
