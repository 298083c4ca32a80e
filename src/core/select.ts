import type { BuildPlan } from '../template/plan.js';
import { UsageError } from './errors.js';
import { keepVerbatim } from './redactor.js';

/** Packer's -only / -except: comma-separated globs (`*`, `?`) matched against build names. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/**
 * The builds -only/-except select. As in Packer, -only keeps the builds it names and -except then
 * drops the builds it names; -except may also name post-processors only (`-only=qemu
 * -except=vagrant`), which the template loader skips. A glob that names nothing is an error.
 */
export function selectNames(names: string[], only: string[] | undefined, except: string[] | undefined, postProcessors: string[] = []): string[] {
  const onlyGlobs = splitList(only);
  const exceptGlobs = splitList(except);
  const matches = (g: string, list: string[]) => list.some((n) => globToRegExp(g).test(n));
  const builds = `builds: ${names.join(', ') || 'none'}`;
  for (const g of onlyGlobs) {
    if (!matches(g, names)) throw new UsageError(`-only=${g} matches no build (${builds})`);
  }
  for (const g of exceptGlobs) {
    if (matches(g, names) || matches(g, postProcessors)) continue;
    if (postProcessors.length === 0) throw new UsageError(`-except=${g} matches no build (${builds})`);
    // Names from the template, not secrets, though bento's ssh_password "vagrant" is also a post-processor's type.
    const listed = `(${builds}; post-processors: ${postProcessors.join(', ')})`;
    keepVerbatim(listed);
    throw new UsageError(`-except=${g} matches no build or post-processor ${listed}`);
  }
  return names.filter(
    (n) => (onlyGlobs.length === 0 || onlyGlobs.some((g) => globToRegExp(g).test(n))) && !exceptGlobs.some((g) => globToRegExp(g).test(n)),
  );
}

/** The plan's builds that -only/-except select; skipped builds (builder types bake lacks) count as names the flags may match. */
export function selectBuilds(plan: BuildPlan, only: string[] | undefined, except: string[] | undefined): string[] {
  const skipped = plan.skippedBuilds ?? [];
  const names = [...plan.builds.map((b) => b.name), ...skipped];
  return selectNames(names, only, except, plan.postProcessorNames).filter((n) => !skipped.includes(n));
}
