import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRegistry, type Registry } from '../../src/plugins/registry.js';
import { bool, duration, int, port, str, stringList } from '../../src/plugins/schema-helpers.js';
import type { BuilderPlugin, PluginEnv, PostProcessorPlugin, ProvisionerPlugin } from '../../src/plugins/types.js';

/** What each fake plugin's create() received, in call order. */
export interface Created {
  kind: string;
  type: string;
  config: Record<string, any>;
  env: PluginEnv;
}

/** Small plugins with real schemas and a recording create(), so template tests need no real plugin. */
export function fakeRegistry(): { registry: Registry; created: Created[] } {
  const created: Created[] = [];
  const record = (kind: string, type: string) => (config: Record<string, any>, env: PluginEnv) => {
    created.push({ kind, type, config, env });
    return { run: async () => undefined } as any;
  };
  const builder = (type: string): BuilderPlugin => ({
    kind: 'builder',
    type,
    description: `fake ${type}`,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['region'],
      properties: {
        region: str('Region.'),
        ssh_port: port('Port.'),
        ssh_timeout: duration('Timeout.', '5m'),
        enabled: bool('Flag.'),
        count: int('Count.', 1),
        ami_name: str('Name.'),
        password: str('Secret.'),
        tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Tags.' },
      },
    },
    unsupported: {
      ssh_proxy_host: { effect: 'error', why: 'SOCKS proxies are not supported; use ssh_bastion_host' },
      ebs_optimized: { effect: 'warn', why: 'instances are EBS-optimized by default' },
    },
    sensitive: ['password'],
    create: record('builder', type),
  });
  const shell: ProvisionerPlugin = {
    kind: 'provisioner',
    type: 'fake-shell',
    description: 'fake shell',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { inline: stringList('Commands.'), execute_command: str('Command.', '{{.Vars}} sh {{.Path}}'), user: str('User.') },
    },
    deferred: ['execute_command'],
    create: record('provisioner', 'fake-shell'),
  };
  const pp = (type: string): PostProcessorPlugin => ({
    kind: 'post-processor',
    type,
    description: `fake ${type}`,
    schema: { type: 'object', additionalProperties: false, properties: { output: str('Output.', 'out.txt') } },
    create: record('post-processor', type),
  });
  const registry = makeRegistry({
    builders: [builder('fake-a'), builder('fake-b')],
    provisioners: [shell],
    postProcessors: [pp('fake-manifest'), pp('fake-compress'), pp('fake-upload')],
  });
  return { registry, created };
}

/** Writes files into a fresh temp dir; returns the dir. */
export function writeFiles(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bake-template-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** The message of what `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, got none');
}
