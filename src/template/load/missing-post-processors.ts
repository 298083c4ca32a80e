import { keepVerbatim } from '../../core/redactor.js';
import { closest } from './did-you-mean.js';
import { unknownType } from './common-keys.js';
import type { Loader } from './loader.js';
import { addOnce } from './plugin-config.js';

/** A post-processor of a type bake does not have (bento's vagrant, vagrant-cloud, docker-push …). */
export interface Unknown {
  path: string;
  type: string;
  name: string;
  /** The -except glob that names it, if one does. */
  excepted?: string;
  /** The name of an earlier member of its chain that -except leaves out, cutting the chain there. */
  after?: string;
  /** Whether it would run after a build this run selects. */
  runs: boolean;
}

/**
 * One that would run is an error that says how to leave it out (a likely typo gets the
 * did-you-mean instead); one that would not is skipped with a warning naming it, as Packer never
 * starts a post-processor it does not run.
 */
export function missingPostProcessors(loader: Loader, unknown: Unknown[]): void {
  const known = [...loader.registry.postProcessors.keys()].sort();
  for (const u of unknown) {
    const what = `${loader.file}: ${u.path}.type`;
    if (u.runs) {
      if (typeof u.type !== 'string' || closest(u.type, known)) {
        unknownType(loader, 'post-processor', u.type, u.path, known);
        continue;
      }
      addOnce(loader.findings.errors, `${what}: ${verbatim(`bake has no ${JSON.stringify(u.type)} post-processor`)} ${verbatim(`(bake's post-processors: ${known.join(', ')})`)}; to build without it, run with ${verbatim(`-except=${u.name}`)}`);
      continue;
    }
    const why =
      u.excepted !== undefined ? verbatim(`-except=${u.excepted} leaves it out`)
      : u.after !== undefined ? verbatim(`it comes after ${JSON.stringify(u.after)} in its chain`) + ', which -except leaves out'
      : 'no build this run selects reaches it';
    const label = verbatim(`skipping post-processor ${u.name === u.type ? JSON.stringify(u.type) : `${JSON.stringify(u.name)} (${u.type})`}`);
    addOnce(loader.findings.warnings, `${what}: ${label}: bake has none of that type, and ${why}`);
  }
}

/**
 * A type or name from the template is not a secret, but bento's ssh_password "vagrant" is also its
 * post-processor's type: these phrases, which only name the post-processor, are never masked.
 */
function verbatim(phrase: string): string {
  keepVerbatim(phrase);
  return phrase;
}
