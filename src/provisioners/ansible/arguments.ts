import type { ResolvedAnsible } from './resolve.js';

export interface PlaybookRun {
  buildName: string;
  buildType: string;
  inventory: string;
  /** File of connection variables (key file path, password), passed with -e @file so no secret is on the command line. */
  connectionVars: string;
  httpAddr?: string;
}

/**
 * ansible-playbook's arguments in Packer's order: the build's variables, the SSH options, the
 * template's extra_arguments (which may override them), then the inventory and the playbook.
 */
export function playbookArgs(r: ResolvedAnsible, run: PlaybookRun): string[] {
  const buildVars = {
    packer_build_name: run.buildName,
    packer_builder_type: run.buildType,
    ...(run.httpAddr ? { packer_http_addr: run.httpAddr } : {}),
  };
  return [
    '-e',
    JSON.stringify(buildVars),
    '-e',
    `@${run.connectionVars}`,
    ...(r.sshExtraArgs.length ? ['--ssh-extra-args', r.sshExtraArgs.join(' ')] : []),
    ...r.extraArguments,
    '-i',
    run.inventory,
    r.playbook,
  ];
}

/** ansible-galaxy runs for a requirements file, as Packer 1.6.6: roles unless it lists only collections, collections when it lists any. */
export function galaxyArgs(r: ResolvedAnsible, requirements: string): string[][] {
  if (!r.galaxy) return [];
  const force = r.galaxy.force ? ['-f'] : [];
  const roles = /^\s*roles\s*:/m.test(requirements);
  const collections = /^\s*collections\s*:/m.test(requirements);
  const runs: string[][] = [];
  if (roles || !collections) runs.push(['install', '-r', r.galaxy.file, ...force, ...(r.rolesPath ? ['-p', r.rolesPath] : [])]);
  if (collections) runs.push(['collection', 'install', '-r', r.galaxy.file, ...force, ...(r.collectionsPath ? ['-p', r.collectionsPath] : [])]);
  return runs;
}
