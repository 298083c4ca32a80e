import type { Registry } from '../../plugins/registry.js';
import type { RenderContext } from '../interpolate/index.js';
import type { Findings } from './plugin-config.js';

/** What every part of loading a template needs. */
export interface Loader {
  file: string;
  templateDir: string;
  registry: Registry;
  userVars: Record<string, string>;
  /** The variables rendered with run-to-run values held constant, for fingerprints. */
  stableVars?: Record<string, string>;
  /** Variables left without a value by an error already reported. */
  unsetVars: ReadonlySet<string>;
  now: Date;
  findings: Findings;
  /** -only/-except as given to the run: whether a build name is selected (undefined: all are). */
  selected?: (buildName: string) => boolean;
  /** -except as given to the run: the glob naming a post-processor by its name or type, if one does. */
  exceptPostProcessor?: (name: string, type: string) => string | undefined;
}

/** The render context of a plugin block: the template's values, the build's name and type. */
export function buildRenderContext(loader: Loader, build?: { name: string; type: string }): RenderContext {
  return {
    userVars: loader.userVars,
    unsetVars: loader.unsetVars,
    templateDir: loader.templateDir,
    now: loader.now,
    buildName: build?.name,
    buildType: build?.type,
    partial: true,
  };
}

/** Whether a provisioner or post-processor with these only/except lists applies to a build. */
export function appliesTo(name: string, only: string[] | undefined, except: string[] | undefined): boolean {
  if (only && !only.includes(name)) return false;
  return !except?.includes(name);
}
