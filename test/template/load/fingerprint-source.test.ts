import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../src/template/index.js';
import { fakeRegistry, writeFiles } from '../fake-plugins.js';

const template = {
  variables: { suffix: '{{timestamp}}-{{uuid}}', tier: 'web', pw: 'hunter22' },
  'sensitive-variables': ['pw'],
  builders: [
    { type: 'fake-a', name: 'east', region: 'us-east-1', ami_name: "{{user `tier`}}-{{user `suffix`}}-{{isotime \"2006\"}}", password: '{{user `pw`}}', tags: { Dir: '{{template_dir}}', Pwd: '{{pwd}}', Made: '{{strftime "%Y"}}' } },
    { type: 'fake-b', name: 'west', region: 'us-west-2', ami_name: '{{build_name}}-{{uuid}}' },
  ],
  provisioners: [
    { type: 'fake-shell', inline: ["echo {{user `tier`}} {{timestamp}}"], override: { west: { inline: ['echo west'] } }, pause_before: '1s' },
    { type: 'fake-shell', only: ['east'], inline: ['echo only east'], execute_command: 'sudo {{.Path}}' },
  ],
};

function load(now: string, vars: Record<string, string> = {}) {
  const dir = writeFiles({ 't.json': template });
  return loadTemplate(join(dir, 't.json'), { registry: fakeRegistry().registry, now: new Date(now), env: {}, vars });
}

describe("each build's fingerprint source", () => {
  it('renders the configs with time, uuid and places held constant, per build, secrets replaced', () => {
    const plan = load('2026-11-01T03:00:00Z');
    const [east, west] = plan.builds.map((b) => b.fingerprint);
    expect(east).toEqual({
      template: {
        builder: { type: 'fake-a', region: 'us-east-1', ami_name: 'web-0-00000000-0000-0000-0000-000000000000-1970', password: '<sensitive>', tags: { Dir: '.', Pwd: '.', Made: '1970' } },
        provisioners: [
          { type: 'fake-shell', inline: ['echo web 0'] },
          { type: 'fake-shell', inline: ['echo only east'], execute_command: 'sudo {{.Path}}' },
        ],
      },
      provisioners: [
        { type: 'fake-shell', inline: [`echo web ${Date.parse('2026-11-01T03:00:00Z') / 1000}`] },
        { type: 'fake-shell', inline: ['echo only east'], execute_command: 'sudo {{.Path}}' },
      ],
    });
    expect(west!.template).toEqual({
      builder: { type: 'fake-b', region: 'us-west-2', ami_name: 'west-00000000-0000-0000-0000-000000000000' },
      provisioners: [{ type: 'fake-shell', inline: ['echo west'] }],
    });
  });

  it('is the same at another time, and differs when a variable does', () => {
    const first = load('2026-11-01T03:00:00Z').builds[0].fingerprint;
    expect(load('2026-11-02T03:00:00Z').builds[0].fingerprint!.template).toEqual(first!.template);
    expect(load('2026-11-02T03:00:00Z', { tier: 'api' }).builds[0].fingerprint!.template.builder.ami_name).toBe('api-0-00000000-0000-0000-0000-000000000000-1970');
  });
});
