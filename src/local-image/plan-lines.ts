import { existsSync } from 'node:fs';
import type { BuildContext } from '../core/context.js';
import { BakeError } from '../core/errors.js';
import { baseImagePath } from './base-image.js';
import { outputPaths } from './output-dir.js';
import type { Source } from './source-image.js';

/**
 * What `bake plan` says about a local build (qemu, chroot): the source image and the output
 * path, creating nothing. An existing output directory, which `bake build` refuses without
 * -force, is an error here too, so the plan fails where the build would.
 */
export function localPlanLines(builder: string, c: { source: Source; outputDir?: string; vmName?: string }, ctx: Pick<BuildContext, 'buildName' | 'force'>): string[] {
  const lines: string[] = [];
  if (c.source.kind === 'base') {
    const path = baseImagePath();
    lines.push(`source image: bake's Debian 12 base image ${path} (${existsSync(path) ? 'cached' : 'built on first use, about a minute, as root'})`);
  } else {
    lines.push(`source image: ${c.source.urls.join(' or ')}`);
  }
  const { dir, image } = outputPaths(c, ctx.buildName);
  if (existsSync(dir) && !ctx.force) {
    throw new BakeError(`${builder}: output directory ${dir} already exists: \`bake build\` would refuse it; remove it, set output_directory, or build with -force`);
  }
  lines.push(`output: ${image}${existsSync(dir) ? ' (the existing directory is deleted first: -force)' : ''}`);
  return lines;
}
