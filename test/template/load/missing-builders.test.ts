import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBuilds } from '../../../src/core/select.js';
import { loadTemplate, type LoadOptions } from '../../../src/template/index.js';
import { errorOf, fakeRegistry, writeFiles } from '../fake-plugins.js';

/** A bento-style template: the same image for several hypervisors, only one of which bake has. */
const template = {
  builders: [
    { type: 'virtualbox-iso', guest_os_type: 'Debian_64', vboxmanage: [['modifyvm', '{{.Name}}', '--memory', '1024']] },
    { type: 'fake-a', region: 'eu-west-1' },
    { type: 'vmware-iso', name: 'vmware', guest_os_type: 'debian-64' },
  ],
  provisioners: [
    { type: 'fake-shell', inline: ['echo all'] },
    { type: 'fake-shell', only: ['virtualbox-iso'], inline: ['echo guest additions'] },
  ],
};

function setup() {
  const dir = writeFiles({ 't.json': template });
  const { registry } = fakeRegistry();
  const load = (options: Partial<LoadOptions> = {}) => loadTemplate(join(dir, 't.json'), { registry, env: {}, ...options });
  return { dir, load, fail: (options: Partial<LoadOptions> = {}) => errorOf(() => load(options)).split(`${dir}/`).join('') };
}

describe('builder types bake does not have', () => {
  it('without -only: names each missing builder and suggests the -only that runs the rest', () => {
    expect(setup().fail()).toBe(
      [
        't.json: builders[0].type: bake has no "virtualbox-iso" builder (bake\'s builders: fake-a, fake-b); to build the others, run with -only=fake-a',
        't.json: builders[2].type: bake has no "vmware-iso" builder (bake\'s builders: fake-a, fake-b); to build the others, run with -only=fake-a',
      ].join('\n'),
    );
  });

  it('with -only (globs too) or -except leaving them out: skips them with one warning and plans the rest', () => {
    const { load, dir } = setup();
    for (const options of [{ only: ['fake-a'] }, { only: ['fake-*'] }, { except: ['virtualbox-iso,vmware'] }]) {
      const plan = load(options);
      expect(plan.builds.map((b) => b.name)).toEqual(['fake-a']);
      expect(plan.builds[0]!.provisioners).toHaveLength(1);
      expect(plan.warnings.map((w) => w.split(`${dir}/`).join(''))).toEqual([
        't.json: skipping virtualbox-iso, vmware (vmware-iso): bake has no builder of those types, and -only/-except leaves them out',
      ]);
      expect(selectBuilds(plan, options.only, options.except)).toEqual(['fake-a']);
    }
  });

  it('still refuses one that -only selects, and a -only that matches nothing', () => {
    const { load, fail } = setup();
    expect(fail({ only: ['fake-a,vmware'] })).toBe(
      't.json: builders[2].type: bake has no "vmware-iso" builder (bake\'s builders: fake-a, fake-b); to build the others, run with -only=fake-a',
    );
    expect(() => selectBuilds(load({ only: ['fake-a'] }), ['fake-a', 'nope'], undefined)).toThrow('-only=nope matches no build (builds: fake-a, virtualbox-iso, vmware)');
  });
});
