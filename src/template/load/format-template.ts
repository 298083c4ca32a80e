import { isObject } from './read-json.js';

const TOP_ORDER = ['$schema', 'description', 'min_packer_version', 'variables', 'sensitive-variables', 'builders', 'provisioners', 'post-processors'];
const BLOCK_LISTS = ['builders', 'provisioners', 'post-processors'];

/**
 * Canonical JSON of a template for `bake fmt`: 2-space indent and a final newline; top-level
 * keys in Packer's documented order (comment keys first, unknown keys last, as written); in
 * each builder, provisioner and post-processor `type` then `name` first, the rest as written.
 */
export function formatTemplate(template: Record<string, unknown>): string {
  const rank = (key: string) => (key.startsWith('_') ? -1 : TOP_ORDER.includes(key) ? TOP_ORDER.indexOf(key) : TOP_ORDER.length);
  const keys = Object.keys(template)
    .map((key, i) => ({ key, i }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.i - b.i)
    .map(({ key }) => key);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = template[key];
    out[key] = BLOCK_LISTS.includes(key) && Array.isArray(value) ? value.map(orderBlock) : value;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

function orderBlock(block: unknown): unknown {
  if (Array.isArray(block)) return block.map(orderBlock);
  if (!isObject(block)) return block;
  const { type, name, ...rest } = block;
  return {
    ...(type === undefined ? {} : { type }),
    ...(name === undefined ? {} : { name }),
    ...rest,
  };
}
