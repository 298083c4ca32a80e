import type { FromSchema } from 'json-schema-to-ts';
import { fact, shq } from '../shell.js';
import { StateFailure, type Changes, type Facts, type Remote, type RunEnv, type StateFunction } from '../types.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The package, when `pkgs` is not given. Default: the state id.' },
    pkgs: {
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, maxProperties: 1 }] },
      description: 'Several packages, each a name or a { name: version } map; replaces `name`.',
    },
    version: { type: 'string', description: 'The exact version of `name` to install (pkg.installed).' },
    refresh: { type: 'boolean', default: false, description: 'Refresh the package index before installing (at most once per run). An empty index is always refreshed.' },
  },
} as const;

type Args = FromSchema<typeof schema>;
interface Pkg {
  name: string;
  version?: string;
}

function pkgList(args: Args): Pkg[] {
  if (!args.pkgs) return [{ name: args.name, ...(args.version ? { version: args.version } : {}) }];
  return args.pkgs.map((p) => (typeof p === 'string' ? { name: p } : { name: Object.keys(p)[0], version: Object.values(p)[0] as string }));
}

/** Prints `v<i>=<installed version>` (empty when not installed) and, with `candidates`, `c<i>=<best available>`. */
function probePkgs(pkgs: Pkg[], candidates: boolean): string {
  return pkgs
    .map((p, i) => {
      const n = shq(p.name);
      return [
        'case "$BAKE_PM" in',
        `apt) ${fact(`v${i}`, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${n} | sed -n 's/^ii *//p'`)}${candidates ? `; ${fact(`c${i}`, `apt-cache policy ${n} | sed -n 's/^ *Candidate: //p' | grep -v '(none)'`)}` : ''} ;;`,
        `dnf|yum) ${fact(`v${i}`, `rpm -q --qf '%{VERSION}-%{RELEASE}' ${n}`)}${candidates ? `; ${fact(`c${i}`, `$BAKE_PM -q repoquery --latest-limit 1 --qf '%{version}-%{release}' ${n}`)}` : ''} ;;`,
        `apk) ${fact(`v${i}`, `apk info -e ${n} >/dev/null && apk list -I ${n} | sed -n 's/^${p.name.replace(/[^A-Za-z0-9_-]/g, '.')}-\\([^ ]*\\) .*/\\1/p'`)}${candidates ? `; ${fact(`c${i}`, `apk list ${n} | sed -n 's/^${p.name.replace(/[^A-Za-z0-9_-]/g, '.')}-\\([^ ]*\\) .*/\\1/p' | head -1`)}` : ''} ;;`,
        'esac',
      ].join('\n');
    })
    .join('\n');
}

const pmOf = (env: RunEnv) => {
  if (!env.host.pm) throw new StateFailure('no supported package manager (apt, dnf, yum, apk) found on the guest');
  return env.host.pm;
};

const spec = (pm: string, p: Pkg) => (p.version ? (pm === 'apt' || pm === 'apk' ? `${p.name}=${p.version}` : `${p.name}-${p.version}`) : p.name);

function installScript(pm: string, pkgs: Pkg[], refresh: boolean): string {
  const list = pkgs.map((p) => shq(spec(pm, p))).join(' ');
  switch (pm) {
    case 'apt':
      return [
        'export DEBIAN_FRONTEND=noninteractive',
        refresh ? 'apt-get update -q' : 'ls /var/lib/apt/lists/ | grep -q _Packages || apt-get update -q',
        `apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${list}`,
      ].join('\n');
    case 'apk':
      return `apk add ${refresh ? '--update-cache ' : ''}${list}`;
    default:
      return `${pm} install -y ${refresh ? '--refresh ' : ''}${list}`;
  }
}

function removeScript(pm: string, pkgs: Pkg[]): string {
  const list = pkgs.map((p) => shq(p.name)).join(' ');
  if (pm === 'apt') return `DEBIAN_FRONTEND=noninteractive apt-get remove -y -q ${list}`;
  if (pm === 'apk') return `apk del ${list}`;
  return `${pm} remove -y ${list}`;
}

function pending(pkgs: Pkg[], facts: Facts, want: 'installed' | 'latest' | 'removed'): Changes {
  const changes: Changes = {};
  pkgs.forEach((p, i) => {
    const have = facts[`v${i}`] ?? '';
    if (want === 'removed') {
      if (have) changes[p.name] = { old: have, new: '' };
    } else if (want === 'latest') {
      const cand = facts[`c${i}`] ?? '';
      if (!cand && !have) throw new StateFailure(`package ${p.name} is not available from the guest's package sources`);
      if (!have || (cand && cand !== have)) changes[p.name] = { old: have, new: cand || 'latest' };
    } else if (!have || (p.version && p.version !== have)) changes[p.name] = { old: have, new: p.version ?? 'latest' };
  });
  return changes;
}

async function newVersions(remote: Remote, pm: string, pkgs: Pkg[], changes: Changes): Promise<Changes> {
  const out = await remote.run(`BAKE_PM=${pm}\n${probePkgs(pkgs, false)}`);
  const facts = Object.fromEntries(out.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const result: Changes = {};
  pkgs.forEach((p, i) => {
    const c = changes[p.name] as { old: string } | undefined;
    if (c) result[p.name] = { old: c.old, new: facts[`v${i}`] ?? '' };
  });
  return result;
}

function makePkg(want: 'installed' | 'latest' | 'removed'): StateFunction<Args, Pkg[]> {
  return {
    name: `pkg.${want}`,
    schema,
    prepare: (args) => pkgList(args),
    probe: (_args, pkgs) => probePkgs(pkgs, want === 'latest'),
    check(_args, facts, pkgs, env) {
      pmOf(env);
      const changes = pending(pkgs, facts, want);
      const names = Object.keys(changes);
      if (!names.length) return { changes, comment: `All specified packages are ${want === 'removed' ? 'not installed' : want === 'latest' ? 'up to date' : 'already installed'}` };
      return { changes, comment: `Packages would be ${want === 'removed' ? 'removed' : 'installed/updated'}: ${names.join(', ')}` };
    },
    async apply(args, _facts, pkgs, env, remote, check) {
      const pm = pmOf(env);
      const todo = pkgs.filter((p) => p.name in check.changes);
      if (want === 'removed') {
        await remote.must(removeScript(pm, todo), `removing ${todo.map((p) => p.name).join(' ')}`);
      } else {
        const refresh = !!args.refresh && !env.indexRefreshed;
        await remote.must(installScript(pm, todo, refresh), `installing ${todo.map((p) => p.name).join(' ')}`);
        if (refresh) env.indexRefreshed = true;
      }
      const changes = await newVersions(remote, pm, todo, check.changes);
      return { changes, comment: `Packages ${want === 'removed' ? 'removed' : 'installed'}: ${todo.map((p) => p.name).join(', ')}` };
    },
  };
}

export const pkgInstalled = makePkg('installed');
export const pkgLatest = makePkg('latest');
export const pkgRemoved = makePkg('removed');
