import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QemuBuilder } from '../../../src/builders/qemu/builder.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { renderShutdownCommand } from '../../../src/builders/qemu/shutdown-command.js';
import type { VmState } from '../../../src/builders/qemu/state.js';
import { shutdownStep } from '../../../src/builders/qemu/steps/shutdown.js';
import type { Communicator } from '../../../src/communicator/types.js';
import { registry } from '../../../src/plugins/registry.js';
import { loadTemplate } from '../../../src/template/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import { writeFiles } from '../../template/fake-plugins.js';

const where = 't.json: builders[0].shutdown_command';

describe('renderShutdownCommand', () => {
  const values = { buildName: 'qemu', buildType: 'qemu', imagePath: '/out/debian-10.7-amd64', httpIp: '10.0.2.2', httpPort: 8123 };
  it('leaves a command without fields as written (bento\'s sudo -S)', () => {
    expect(renderShutdownCommand("echo 'vagrant' | sudo -S /sbin/shutdown -hP now", values, where)).toBe("echo 'vagrant' | sudo -S /sbin/shutdown -hP now");
  });
  it('fills in {{ .Vars }} as a shell provisioner\'s execute_command gets it, and the builder\'s fields', () => {
    expect(renderShutdownCommand("echo 'vagrant' | {{ .Vars }} sudo -S -E shutdown -P now", values, where)).toBe(
      "echo 'vagrant' | PACKER_BUILD_NAME='qemu' PACKER_BUILDER_TYPE='qemu' PACKER_HTTP_ADDR='10.0.2.2:8123' sudo -S -E shutdown -P now",
    );
    expect(renderShutdownCommand('logger {{ .Name }} {{.HTTPIP}}:{{.HTTPPort}} {{build_name}}; {{.Vars}} poweroff', { ...values, buildName: "it's", httpIp: undefined, httpPort: undefined }, where)).toBe(
      `logger debian-10.7-amd64 :0 it's; PACKER_BUILD_NAME='it'"'"'s' PACKER_BUILDER_TYPE='qemu' poweroff`,
    );
  });
  it('refuses, when the template is read, a field the run will not have', () => {
    const resolve = (shutdown_command: string) => resolveQemuConfig({ shutdown_command }, { file: 't.json', path: 'builders[0]', templateDir: '/' });
    expect(() => resolve('{{ .Path }} shutdown -P now')).toThrow('t.json: builders[0].shutdown_command: no value for .Path in {{ .Path }}');
    expect(resolve('{{ .Vars }} shutdown -P now').shutdownCommand).toBe('{{ .Vars }} shutdown -P now');
  });
});

describe('shutdown step', () => {
  it('runs shutdown_command with {{user}} rendered when the template was read and {{ .Vars }} now; a sensitive value is masked in the log only', async () => {
    const dir = writeFiles({
      't.json': {
        variables: { sudo_password: 'pw-7c1e2b' },
        'sensitive-variables': ['sudo_password'],
        builders: [{ type: 'qemu', name: 'debian', shutdown_command: "echo '{{user `sudo_password`}}' | {{ .Vars }} sudo -S -E shutdown -P now" }],
      },
    });
    const plan = loadTemplate(join(dir, 't.json'), { registry, env: {} });
    const cfg = (plan.builds[0]!.builder as QemuBuilder).cfg;
    const ctx = makeBuildContext({ buildName: 'debian', buildType: 'qemu' });
    for (const v of plan.sensitiveValues) ctx.log.bus.addSecret(v);
    const executed: string[] = [];
    const comm = { exec: async (command: string) => (executed.push(command), { exitCode: 0, stderrTail: [] }), close: async () => {} } as unknown as Communicator;
    const vm = { qemu: { waitExit: async () => ({ code: 0 }) }, qmp: {}, sshPort: 3022, accel: 'tcg', startedAt: 0 } as unknown as VmState;
    const state = { ...vm, comm, workDir: '/w', outputDir: '/out', imagePath: '/out/debian.qcow2', httpIp: '10.0.2.2', httpPort: 8200 };
    await shutdownStep({ ...cfg, clearAuthorizedKeys: false }).run(ctx, state);
    expect(executed).toEqual([
      "echo 'pw-7c1e2b' | PACKER_BUILD_NAME='debian' PACKER_BUILDER_TYPE='qemu' PACKER_HTTP_ADDR='10.0.2.2:8200' sudo -S -E shutdown -P now",
    ]);
    const lines = ctx.events.map((e) => `${e.level}: ${e.text}`);
    expect(lines).toContain(
      "say: Gracefully halting the virtual machine: echo '<sensitive>' | PACKER_BUILD_NAME='debian' PACKER_BUILDER_TYPE='qemu' PACKER_HTTP_ADDR='10.0.2.2:8200' sudo -S -E shutdown -P now",
    );
    expect(lines.join('\n')).not.toContain('pw-7c1e2b');
  });

  it('renders a user value once: a `{{` inside it is sent as it is, not read as a template', async () => {
    const dir = writeFiles({
      't.json': {
        variables: { sudo_password: '{{env `SUDO_PASSWORD`}}' },
        builders: [{ type: 'qemu', name: 'debian', shutdown_command: "echo '{{user `sudo_password`}}' | {{ .Vars }} sudo -S shutdown -P now" }],
      },
    });
    const plan = loadTemplate(join(dir, 't.json'), { registry, env: { SUDO_PASSWORD: 'p{{w}}-{{ .Vars }}' } });
    expect(plan.builds).toHaveLength(1);
    const cfg = (plan.builds[0]!.builder as QemuBuilder).cfg;
    const executed: string[] = [];
    const comm = { exec: async (command: string) => (executed.push(command), { exitCode: 0, stderrTail: [] }), close: async () => {} } as unknown as Communicator;
    const vm = { qemu: { waitExit: async () => ({ code: 0 }) }, qmp: {}, sshPort: 3022, accel: 'tcg', startedAt: 0 } as unknown as VmState;
    const state = { ...vm, comm, workDir: '/w', outputDir: '/out', imagePath: '/out/debian.qcow2' };
    await shutdownStep({ ...cfg, clearAuthorizedKeys: false }).run(makeBuildContext({ buildName: 'debian', buildType: 'qemu' }), state);
    expect(executed).toEqual(["echo 'p{{w}}-{{ .Vars }}' | PACKER_BUILD_NAME='debian' PACKER_BUILDER_TYPE='qemu' sudo -S shutdown -P now"]);
  });
});
