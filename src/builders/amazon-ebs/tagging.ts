import { basename } from 'node:path';
import type { BuildContext } from '../../core/context.js';
import { bakeTags } from '../../cloud/aws/index.js';
import type { AmiBuildConfig } from './resolved.js';

/** Tags every resource of this build carries: the user's, then bake's (which win, so cleanup can trust them). */
export function resourceTags(ctx: BuildContext, cfg: AmiBuildConfig, user: Record<string, string> = {}): Record<string, string> {
  return { ...user, ...bakeTags(ctx.buildId, basename(cfg.templateFile), ctx.buildName) };
}
