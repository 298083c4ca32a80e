import type { RunModel } from './model.js';

/** GitHub's workflow-command escaping: data may not hold newlines, properties not ":" or "," either. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * With GITHUB_ACTIONS=true: one `::error` workflow command per failed build, which GitHub shows
 * as an annotation on the run's page, titled with the build and saying where it failed.
 */
export function githubAnnotations(run: RunModel): string[] {
  return run.builds
    .filter((b) => b.status === 'failed' || b.status === 'aborted' || b.status === 'unfinished')
    .map((b) => {
      const where = b.failedAt ? ` (in ${b.failedAt.kind} ${b.failedAt.name})` : '';
      return `::error title=${property(`bake: ${b.name}`)}::${data(`${b.error ?? 'did not finish'}${where}`)}`;
    });
}
