import { Diagnostics } from '../diagnostics.js';
import type { Hcl2Template } from './load.js';
import { sourceUsages, usageRef } from './source-usage.js';
import { displayValue } from './variables.js';

/**
 * `bake inspect` of an HCL2 template, in Packer's HCL2 layout: input variables (sensitive ones
 * masked), locals, and each build's sources, provisioners and post-processor chains.
 */
export function inspectHcl2(t: Hcl2Template): string {
  const out: string[] = ['Packer Inspect: HCL2 mode', '', '> input-variables:', ''];
  const sensitive = new Set(t.variables.planned.filter((v) => v.sensitive).map((v) => v.name));
  if (t.variables.planned.length === 0) out.push('  <No variables>');
  for (const v of t.variables.planned) out.push(`var.${v.name}: ${sensitive.has(v.name) ? '"<sensitive>"' : JSON.stringify(v.value)}`);
  out.push('', '> local-variables:', '');
  const locals = (t.ctx.variables.local ?? {}) as Record<string, unknown>;
  if (Object.keys(locals).length === 0) out.push('  <No locals>');
  const secret = (s: string) => t.sensitiveValues.some((v) => v !== '' && s.includes(v));
  for (const [name, value] of Object.entries(locals)) {
    const text = displayValue(value);
    out.push(`local.${name}: ${secret(text) ? '"<sensitive>"' : typeof value === 'string' ? JSON.stringify(text) : text}`);
  }
  out.push('', '> builds:', '');
  if (t.config.builds.length === 0) out.push('  <No builds>');
  t.config.builds.forEach((build, i) => {
    const name = build.body.attributes.find((a) => a.name === 'name');
    const label = name?.expr.kind === 'template' && name.expr.parts.every((p) => p.kind === 'text') ? name.expr.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : `<unnamed build ${i}>`;
    out.push(`  > ${label}:`, '', '    sources:', '');
    for (const u of sourceUsages(build, t.config, t.ctx, new Diagnostics())) out.push(`      ${usageRef(u)}`);
    out.push('', '    provisioners:', '');
    const provisioners = build.body.blocks.filter((b) => b.type === 'provisioner');
    if (provisioners.length === 0) out.push('      <no provisioner>');
    for (const p of provisioners) out.push(`      ${p.labels[0]}`);
    out.push('', '    post-processors:', '');
    const chains = build.body.blocks.flatMap((b) => (b.type === 'post-processor' ? [[b]] : b.type === 'post-processors' ? [b.body.blocks] : []));
    if (chains.length === 0) out.push('      <no post-processor>');
    chains.forEach((chain, k) => out.push(`      ${k}:`, ...chain.map((pp) => `        ${pp.labels[0]}`)));
    out.push('');
  });
  return out.join('\n') + '\n';
}
