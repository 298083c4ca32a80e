import { keepVerbatim } from '../../../core/redactor.js';
import type { DataSourcePlugin } from '../../../datasources/types.js';
import type { Registry } from '../../../plugins/registry.js';
import type { Block } from '../ast.js';
import type { Range } from '../range.js';
import { HclError, type Diagnostics } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import { isObjectValue } from '../values.js';

/**
 * The Packer version bake's HCL2 reading follows: 1.9.5, the last MPL-licensed release (the one
 * Kubernetes image-builder pins). `packer.version` and `required_version` use it.
 */
export const PACKER_COMPAT_VERSION = '1.9.5';

function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether `version` meets a constraint like ">= 1.7.0, < 2.0.0" or "~> 1.9" (HashiCorp's go-version syntax). */
export function satisfies(version: string, constraint: string): boolean {
  const have = parseVersion(version)!;
  return constraint.split(',').every((part) => {
    const m = /^\s*(>=|<=|!=|~>|=|>|<)?\s*(\S+)\s*$/.exec(part);
    if (!m) return false;
    const want = parseVersion(m[2]);
    if (!want) return false;
    const c = compare(have, want);
    switch (m[1] ?? '=') {
      case '>=': return c >= 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      case '<': return c < 0;
      case '!=': return c !== 0;
      case '~>': {
        const segments = m[2].replace(/^v/, '').split('.').length;
        const upper = segments <= 2 ? [want[0] + 1, 0, 0] : [want[0], want[1] + 1, 0];
        return c >= 0 && compare(have, upper) < 0;
      }
      default: return c === 0;
    }
  });
}

/** packer { required_version, required_plugins }: the version checked; plugins whose parts bake lacks noted. */
export function checkPackerBlocks(blocks: Block[], ctx: EvalContext, registry: Registry, dataSources: ReadonlyMap<string, DataSourcePlugin>, diags: Diagnostics): void {
  for (const block of blocks) {
    for (const attr of block.body.attributes) {
      if (attr.name !== 'required_version') {
        diags.error(attr.nameRange, `unknown argument "${attr.name}" in the packer block; it takes required_version and required_plugins`);
        continue;
      }
      try {
        const v = evaluate(attr.expr, ctx);
        if (typeof v !== 'string') throw new HclError(attr.expr.range, 'required_version must be a string like ">= 1.7.0"');
        if (!satisfies(PACKER_COMPAT_VERSION, v)) diags.error(attr.expr.range, `this template requires Packer ${v}; bake reads templates as Packer ${PACKER_COMPAT_VERSION} does`);
      } catch (err) {
        diags.catch(err);
      }
    }
    for (const b of block.body.blocks) {
      if (b.type !== 'required_plugins') {
        diags.error(b.range, `unknown block "${b.type}" in the packer block`);
        continue;
      }
      const types = [...registry.builders.keys(), ...registry.provisioners.keys(), ...registry.postProcessors.keys(), ...dataSources.keys()];
      const lacking: { name: string; source: string; range: Range }[] = [];
      for (const attr of b.body.attributes) {
        try {
          const v = evaluate(attr.expr, ctx);
          const source = isObjectValue(v) && typeof v.source === 'string' ? v.source : attr.name;
          const name = source.split('/').pop()!.replace(/^packer-plugin-/, '');
          if (!types.some((t) => t === name || t.startsWith(`${name}-`))) lacking.push({ name, source, range: attr.range });
        } catch (err) {
          diags.catch(err);
        }
      }
      if (lacking.length === 0) continue;
      // One note for all (bento requires nine plugins, seven of them for other hypervisors), at the first.
      const message =
        lacking.length === 1
          ? `required_plugins: bake has nothing of the "${lacking[0].name}" plugin (${lacking[0].source}); builds that use it need -only/-except to leave them out`
          : `required_plugins: bake has nothing of the plugins ${lacking.map((p) => `"${p.name}" (${p.source})`).join(', ')}; builds that use them need -only/-except to leave them out`;
      // Plugin names are not secrets, though bento's ssh_password "vagrant" is also a plugin's name.
      keepVerbatim(message);
      diags.warn(lacking[0].range, message);
    }
  }
}
