import type { Step } from '../../../core/steps.js';
import { openSourceImage } from '../../../local-image/index.js';
import type { ResolvedChroot } from '../resolve.js';
import type { SourceState } from '../state.js';

export function sourceStep(c: ResolvedChroot): Step<object, SourceState> {
  return { name: 'source image', run: (ctx) => openSourceImage(c.source, ctx) };
}
