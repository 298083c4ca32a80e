import { render } from '../../template/index.js';
import type { ResolvedAnsible } from './resolve.js';

export interface InventoryHost {
  host: string;
  port: number;
  user: string;
  id: string;
}

/**
 * The generated inventory, as Packer writes it: the machine's line, then for each group a header
 * and the same line again, then the empty groups' headers.
 */
export function inventoryText(r: ResolvedAnsible, host: InventoryHost, ctx: { buildName: string; buildType: string }): string {
  const data = { HostAlias: r.hostAlias, Host: host.host, Port: String(host.port), User: host.user, ID: host.id };
  let line = render(r.inventoryTemplate, { data, buildName: ctx.buildName, buildType: ctx.buildType, where: `${r.where}.inventory_file_template` });
  if (!line.endsWith('\n')) line += '\n';
  return [line, ...r.groups.map((g) => `[${g}]\n${line}`), ...r.emptyGroups.map((g) => `[${g}]\n`)].join('');
}
