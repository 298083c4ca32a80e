import { registry } from '../plugins/registry.js';
import { readTemplateFile, readVarFile } from '../template/index.js';
import { hcl2, isHcl2 } from './templates.js';
import { parseVarFlags } from './vars.js';

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * What a template declares, without needing its variables set: variables (sensitive ones masked),
 * builds, provisioners and post-processors with their only/except. -var and -var-file are accepted,
 * as Packer's inspect takes them, so one command line serves build and inspect; the values they
 * give are shown in place of the defaults.
 */
export async function inspectCommand(file: string, flags: { var?: string[]; varFile?: string[] } = {}): Promise<number> {
  if (isHcl2(file)) {
    const h = await hcl2();
    // Variables left unset or failing rules do not stop inspect: it shows what the template declares.
    process.stdout.write(h.inspectHcl2(await h.evaluateHcl2Template(file, { registry, readData: false, vars: parseVarFlags(flags.var), varFiles: flags.varFile })));
    return 0;
  }
  const t = asObject(readTemplateFile(file));
  const out: string[] = [];
  if (typeof t.description === 'string') out.push('Description:', '', t.description, '');
  const sensitive = new Set(asArray(t['sensitive-variables']).map(String));
  const given: Record<string, string> = Object.assign({}, ...(flags.varFile ?? []).map(readVarFile), parseVarFlags(flags.var));
  const shown = (k: string, v: unknown) => (sensitive.has(k) ? '<sensitive>' : JSON.stringify(Object.hasOwn(given, k) ? given[k] : v));
  const vars = Object.entries(asObject(t.variables)).filter(([k]) => !k.startsWith('_comment'));
  const required = vars.filter(([, v]) => v === null);
  const optional = vars.filter(([, v]) => v !== null);
  if (required.length > 0) {
    out.push('Required variables:', '');
    for (const [k] of required) out.push(Object.hasOwn(given, k) ? `  ${k} = ${shown(k, null)}` : `  ${k}`);
    out.push('');
  }
  out.push('Optional variables and their defaults:', '');
  if (optional.length === 0) out.push('  <No variables>');
  const width = Math.max(0, ...optional.map(([k]) => k.length));
  for (const [k, v] of optional) out.push(`  ${k.padEnd(width)} = ${shown(k, v)}`);
  out.push('', 'Builds:', '');
  const builders = asArray(t.builders).map(asObject);
  if (builders.length === 0) out.push('  <No builds>');
  for (const b of builders) out.push(`  ${String(b.name ?? b.type)}${b.name ? ` (${String(b.type)})` : ''}`);
  out.push('', 'Provisioners:', '');
  const provisioners = asArray(t.provisioners).map(asObject);
  if (provisioners.length === 0) out.push('  <No provisioners>');
  for (const p of provisioners) out.push(`  ${String(p.type)}${filters(p)}`);
  out.push('', 'Post-processors:', '');
  const pps = asArray(t['post-processors']);
  if (pps.length === 0) out.push('  <No post-processors>');
  pps.forEach((entry, i) => {
    const chain = Array.isArray(entry) ? entry : [entry];
    const names = chain.map((pp) => (typeof pp === 'string' ? pp : `${String(asObject(pp).type)}${filters(asObject(pp))}`));
    out.push(`  ${i}: ${names.join(' -> ')}`);
  });
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

function filters(p: Json): string {
  const only = asArray(p.only);
  const except = asArray(p.except);
  if (only.length > 0) return ` (only: ${only.join(', ')})`;
  if (except.length > 0) return ` (except: ${except.join(', ')})`;
  return '';
}
