import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBuilds } from '../../../src/core/select.js';
import { loadTemplate, type LoadOptions } from '../../../src/template/index.js';
import { errorOf, fakeRegistry, writeFiles } from '../fake-plugins.js';

/**
 * Post-processors of types bake does not have (bento's vagrant, vagrant-cloud): skipped with a
 * warning where -except or their own only/except leaves them out, an error where they would run.
 */
const builders = [
  { type: 'virtualbox-iso', guest_os_type: 'Debian_64' },
  { type: 'fake-a', name: 'qemu', region: 'r' },
  { type: 'fake-b', name: 'cloud', region: 'r' },
];

function setup(postProcessors: unknown[]) {
  const dir = writeFiles({ 't.json': { builders, 'post-processors': postProcessors } });
  const { registry, created } = fakeRegistry();
  const load = (options: Partial<LoadOptions> = {}) => loadTemplate(join(dir, 't.json'), { registry, env: {}, ...options });
  const strip = (s: string) => s.split(`${dir}/`).join('');
  return {
    load,
    created,
    warnings: (options: Partial<LoadOptions>) => load(options).warnings.map(strip),
    fail: (options: Partial<LoadOptions> = {}) => strip(errorOf(() => load(options))),
    chains: (options: Partial<LoadOptions>) =>
      load(options).builds.map((b) => [b.name, b.postProcessorChains.map((c) => c.map((p) => p.path))]),
  };
}

const bento = [
  [{ type: 'vagrant', output: 'builds/{{user `box`}}.{{.Provider}}.box' }, { type: 'vagrant-cloud', box_tag: 'bento/debian' }],
  'fake-manifest',
  { type: 'vagrant', name: 'box-only', only: ['virtualbox-iso'] },
];

describe('post-processor types bake does not have', () => {
  it('-except=vagrant skips the vagrant chain (the rest of it too, as in Packer 1.6) with one warning each', () => {
    const { chains, warnings } = setup(bento);
    const options = { only: ['qemu,cloud'], except: ['vagrant'] };
    expect(chains(options)).toEqual([
      ['qemu', [['post-processors[1]']]],
      ['cloud', [['post-processors[1]']]],
    ]);
    expect(warnings(options)).toEqual([
      't.json: post-processors[0][0].type: skipping post-processor "vagrant": bake has none of that type, and -except=vagrant leaves it out',
      't.json: post-processors[0][1].type: skipping post-processor "vagrant-cloud": bake has none of that type, and it comes after "vagrant" in its chain, which -except leaves out',
      't.json: post-processors[2].type: skipping post-processor "box-only" (vagrant): bake has none of that type, and -except=vagrant leaves it out',
      't.json: skipping virtualbox-iso: bake has no builder of that type, and -only/-except leaves it out',
    ]);
  });

  it('matches -except globs against the name and the type, and skips a known type named there too', () => {
    const { chains, warnings, created } = setup([['fake-compress', { type: 'fake-upload', name: 'publish' }], { type: 'vagrant', name: 'box' }, 'fake-manifest']);
    // Builds -only leaves out are still planned (checked); selectBuilds drops them.
    expect(chains({ only: ['qemu'], except: ['box,publish'] })).toEqual([
      ['qemu', [['post-processors[0][0]'], ['post-processors[2]']]],
      ['cloud', [['post-processors[0][0]'], ['post-processors[2]']]],
    ]);
    expect(created.filter((c) => c.kind === 'post-processor' && c.type === 'fake-upload')).toEqual([]);
    expect(chains({ only: ['qemu'], except: ['vag*'] })[0]).toEqual(['qemu', [['post-processors[0][0]', 'post-processors[0][1]'], ['post-processors[2]']]]);
    expect(warnings({ only: ['qemu'], except: ['vag*'] })).toContain(
      't.json: post-processors[1].type: skipping post-processor "box" (vagrant): bake has none of that type, and -except=vag* leaves it out',
    );
  });

  it('skips one whose own only/except runs it only after builds this run leaves out', () => {
    const { chains, warnings } = setup([{ type: 'vagrant', only: ['virtualbox-iso'] }, { type: 'docker-push', except: ['qemu', 'cloud'] }, 'fake-manifest']);
    expect(chains({ only: ['qemu,cloud'] })).toEqual([
      ['qemu', [['post-processors[2]']]],
      ['cloud', [['post-processors[2]']]],
    ]);
    expect(warnings({ only: ['qemu,cloud'] }).slice(0, 2)).toEqual([
      't.json: post-processors[0].type: skipping post-processor "vagrant": bake has none of that type, and no build this run selects reaches it',
      't.json: post-processors[1].type: skipping post-processor "docker-push": bake has none of that type, and no build this run selects reaches it',
    ]);
  });

  it('refuses one that would run, naming file, JSON path and type, and the -except that leaves it out', () => {
    const { fail } = setup(bento);
    const known = "bake's post-processors: fake-compress, fake-manifest, fake-upload";
    expect(fail({ only: ['qemu'] }).split('\n')).toEqual([
      `t.json: post-processors[0][0].type: bake has no "vagrant" post-processor (${known}); to build without it, run with -except=vagrant`,
      `t.json: post-processors[0][1].type: bake has no "vagrant-cloud" post-processor (${known}); to build without it, run with -except=vagrant-cloud`,
    ]);
    // A named one is suggested by its name; -only never selects post-processors (as in Packer).
    expect(setup([{ type: 'artifice', name: 'keep-iso', files: ['x.iso'] }]).fail({ only: ['qemu'] })).toBe(
      `t.json: post-processors[0].type: bake has no "artifice" post-processor (${known}); to build without it, run with -except=keep-iso`,
    );
  });

  it('still says "did you mean" for a likely typo of a type bake has', () => {
    expect(setup(['fake-manifset']).fail({ only: ['qemu'] })).toBe(
      't.json: post-processors[0].type: unknown post-processor type "fake-manifset"; known types: fake-compress, fake-manifest, fake-upload; did you mean "fake-manifest"?',
    );
  });

  it('names one by its name as written, never by a sensitive value rendered into it', () => {
    const dir = writeFiles({
      't.json': { variables: { token: 'tok-51d0' }, 'sensitive-variables': ['token'], builders, 'post-processors': [{ type: 'vagrant-cloud', name: 'upload-{{user `token`}}' }] },
    });
    const { registry } = fakeRegistry();
    const plan = loadTemplate(join(dir, 't.json'), { registry, env: {}, only: ['qemu'], except: ['upload-*'] });
    expect(plan.warnings[0]!.split(`${dir}/`).join('')).toBe(
      't.json: post-processors[0].type: skipping post-processor "upload-{{user `token`}}" (vagrant-cloud): bake has none of that type, and -except=upload-* leaves it out',
    );
  });

  it('checks the only/except of one it skips', () => {
    expect(setup([{ type: 'vagrant', only: ['virtualbox-isa'] }]).fail({ only: ['qemu'], except: ['vagrant'] })).toBe(
      't.json: post-processors[0].only[0]: unknown build name "virtualbox-isa"; did you mean "virtualbox-iso"?',
    );
  });
});

describe('-only with -except', () => {
  it('selects builds with -only, then drops builds -except names; -except may name only post-processors', () => {
    const { load } = setup(bento);
    const plan = load({ only: ['qemu,cloud'], except: ['vagrant'] });
    expect(selectBuilds(plan, ['qemu,cloud'], ['vagrant'])).toEqual(['qemu', 'cloud']);
    expect(selectBuilds(load({ except: ['vagrant,virtualbox-iso,cloud'] }), undefined, ['vagrant,virtualbox-iso,cloud'])).toEqual(['qemu']);
    expect(selectBuilds(load({ only: ['qemu,cloud'], except: ['cloud,vagrant'] }), ['qemu,cloud'], ['cloud,vagrant'])).toEqual(['qemu']);
  });

  it('refuses an -except that names neither a build nor a post-processor', () => {
    const { load } = setup(bento);
    const plan = load({ only: ['qemu'], except: ['vagrant'] });
    expect(() => selectBuilds(plan, ['qemu'], ['vagrnt'])).toThrow(
      '-except=vagrnt matches no build or post-processor (builds: qemu, cloud, virtualbox-iso; post-processors: vagrant, vagrant-cloud, fake-manifest, box-only)',
    );
  });
});
