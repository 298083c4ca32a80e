import type { Builder } from '../../plugins/types.js';
import type { BuildFingerprintSource, SbomMode } from '../plan.js';
import { builderCommonProperties } from './envelope-schema.js';
import { interpolateConfig } from './interpolate-config.js';
import { buildRenderContext, type Loader } from './loader.js';
import { addOnce, createPlugin } from './plugin-config.js';
import { splitBlock, unknownType } from './common-keys.js';
import { closest } from './did-you-mean.js';
import { stableConfig } from './fingerprint-source.js';

export interface BuildHead {
  name: string;
  type: string;
  path: string;
  /** Undefined when the builder's config has errors (reported in loader.findings). */
  builder?: Builder;
  /** Filled in as the build's provisioners are planned. */
  fingerprint?: BuildFingerprintSource;
  /** A builder type bake does not have, in a build that -only/-except leaves out: not planned. */
  skipped?: boolean;
  /** The block's "sbom" (checked by the envelope schema). */
  sbom: SbomMode;
}

/** One build per builder block: name (default its type, unique), config checked and created. */
export function planBuilders(loader: Loader, blocks: Record<string, unknown>[], pathOf: (i: number) => string = (i) => `builders[${i}]`): BuildHead[] {
  const heads: BuildHead[] = [];
  const seen = new Map<string, string>();
  blocks.forEach((block, i) => {
    const path = pathOf(i);
    const type = block.type as string;
    const named = interpolateConfig({ name: typeof block.name === 'string' ? block.name : type }, buildRenderContext(loader), {
      file: loader.file,
      path,
      errors: loader.findings.errors,
    });
    const name = named.config.name as string;
    const previous = seen.get(name);
    if (previous) {
      addOnce(loader.findings.errors, `${loader.file}: ${path}.name: build name "${name}" is already used by ${previous}; give each builder a unique "name"`);
    }
    seen.set(name, path);
    const sbom = block.sbom ?? true;
    // The JSON envelope schema checks it too; HCL2 source blocks reach bake only through here.
    if (sbom !== true && sbom !== false && sbom !== 'required') addOnce(loader.findings.errors, `${loader.file}: ${path}.sbom: must be true, false or "required"`);
    // Nothing can list the packages of a build without a communicator: "required" would pass with an empty SBOM.
    if (sbom === 'required' && block.communicator === 'none') {
      addOnce(loader.findings.errors, `${loader.file}: ${path}.sbom: "required" needs a communicator to list the image's packages, and this build has "communicator": "none"`);
    }
    const head: BuildHead = { name, type, path, sbom: sbom as SbomMode };
    heads.push(head);
    const plugin = loader.registry.builders.get(type);
    if (!plugin) {
      if (loader.selected && !loader.selected(name)) {
        head.skipped = true;
        return;
      }
      return missingBuilder(loader, head, blocks);
    }
    const [, rest] = splitBlock(block, builderCommonProperties);
    const where = { file: loader.file, path, errors: loader.findings.errors };
    const { config, ok, unset } = interpolateConfig(rest, buildRenderContext(loader, head), where, plugin.deferred);
    if (!ok) return;
    const env = { file: loader.file, path, templateDir: loader.templateDir };
    head.builder = createPlugin(plugin, config, env, Object.keys(builderCommonProperties), loader.findings, unset);
    if (head.builder) head.fingerprint = { template: { builder: stableConfig(loader, type, rest, head, plugin.deferred), provisioners: [] }, provisioners: [] };
  });
  return heads;
}

/**
 * A builder type bake does not have. A likely typo gets the did-you-mean; another hypervisor's
 * builder (templates often declare virtualbox-iso, vmware-iso … beside qemu) gets the -only that
 * runs the builds bake can run.
 */
function missingBuilder(loader: Loader, head: BuildHead, blocks: Record<string, unknown>[]): void {
  const known = [...loader.registry.builders.keys()].sort();
  if (typeof head.type !== 'string' || closest(head.type, known)) return unknownType(loader, 'builder', head.type, head.path, known);
  const runnable = blocks
    .map((b) => ({ type: b.type as string, name: typeof b.name === 'string' ? b.name : (b.type as string) }))
    .filter((b) => loader.registry.builders.has(b.type))
    .map((b) => b.name);
  const hint = runnable.length > 0 ? `; to build the others, run with -only=${runnable.join(',')}` : '';
  addOnce(loader.findings.errors, `${loader.file}: ${head.path}.type: bake has no ${JSON.stringify(head.type)} builder (bake's builders: ${known.join(', ')})${hint}`);
}
