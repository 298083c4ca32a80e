import type { BuildPlan } from '../template/plan.js';
import { UsageError } from './errors.js';

/** Packer's -only / -except: comma-separated globs (`*`, `?`) matched against build names. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function selectNames(names: string[], only: string[] | undefined, except: string[] | undefined): string[] {
  const onlyGlobs = splitList(only);
  const exceptGlobs = splitList(except);
  if (onlyGlobs.length > 0 && exceptGlobs.length > 0) throw new UsageError('-only and -except cannot be used together');
  for (const g of [...onlyGlobs, ...exceptGlobs]) {
    if (!names.some((n) => globToRegExp(g).test(n))) {
      const flag = onlyGlobs.includes(g) ? '-only' : '-except';
      throw new UsageError(`${flag}=${g} matches no build (builds: ${names.join(', ') || 'none'})`);
    }
  }
  return names.filter((n) => {
    if (onlyGlobs.length > 0) return onlyGlobs.some((g) => globToRegExp(g).test(n));
    return !exceptGlobs.some((g) => globToRegExp(g).test(n));
  });
}

/** The plan's builds that -only/-except select; skipped builds (builder types bake lacks) count as names the flags may match. */
export function selectBuilds(plan: BuildPlan, only: string[] | undefined, except: string[] | undefined): string[] {
  const skipped = plan.skippedBuilds ?? [];
  return selectNames([...plan.builds.map((b) => b.name), ...skipped], only, except).filter((n) => !skipped.includes(n));
}
