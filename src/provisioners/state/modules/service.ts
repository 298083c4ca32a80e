import type { FromSchema } from 'json-schema-to-ts';
import { fact, shq } from '../shell.js';
import { StateFailure, type Changes, type CheckResult, type Facts, type RunEnv, type StateFunction } from '../types.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The systemd unit (".service" may be left out). Default: the state id.' },
    enable: { type: 'boolean', description: 'Also enable (true) or disable (false) it at boot. Default: left as is (but see service_mode).' },
    reload: { type: 'boolean', default: false, description: 'service.running: reload instead of restart when a watched state changed.' },
  },
} as const;

type Args = FromSchema<typeof schema>;
type Want = 'running' | 'dead' | 'enabled' | 'disabled';

const ENABLED = ['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated'];

/** What the state must make true, given the mode: an image bake with enable-only never starts or stops. */
function targets(want: Want, args: Args, env: RunEnv): { active?: boolean; enabled?: boolean } {
  const enableOnly = env.serviceMode === 'enable-only';
  switch (want) {
    case 'running':
      return enableOnly ? { enabled: args.enable ?? true } : { active: true, enabled: args.enable };
    case 'dead':
      return enableOnly ? { enabled: args.enable ?? false } : { active: false, enabled: args.enable };
    case 'enabled':
      return { enabled: true };
    default:
      return { enabled: false };
  }
}

function checkService(want: Want, args: Args, facts: Facts, env: RunEnv): CheckResult {
  const t = targets(want, args, env);
  const state = facts.enabled ?? '';
  if (state === '' || state === 'not-found') throw new StateFailure(`service ${args.name} not found (no unit file)`);
  if (t.active !== undefined && !env.host.systemd) {
    throw new StateFailure(`systemd is not running on the guest, so ${args.name} cannot be ${t.active ? 'started' : 'stopped'}; set service_mode: "enable-only" to only ${t.active ? 'enable' : 'disable'} it`);
  }
  const changes: Changes = {};
  const active = ['active', 'reloading', 'activating'].includes(facts.ActiveState ?? '');
  if (t.active !== undefined && t.active !== active) changes.running = t.active;
  const enabled = ENABLED.includes(state);
  if (t.enabled !== undefined && t.enabled !== enabled) changes.enabled = t.enabled;
  if (Object.keys(changes).length) return { changes, comment: `Service ${args.name} would be ${Object.entries(changes).map(([k, v]) => (k === 'running' ? (v ? 'started' : 'stopped') : v ? 'enabled' : 'disabled')).join(' and ')}` };
  const note = env.serviceMode === 'enable-only' && (want === 'running' || want === 'dead') ? ' (service_mode enable-only: not started or stopped)' : '';
  return { changes, comment: `Service ${args.name} is already in the desired state${note}` };
}

function makeService(want: Want): StateFunction<Args> {
  return {
    name: `service.${want}`,
    schema,
    probe: (args) =>
      want === 'enabled' || want === 'disabled'
        ? fact('enabled', `systemctl is-enabled ${shq(args.name)}`)
        : [
            fact('enabled', `systemctl is-enabled ${shq(args.name)}`),
            // Prints ActiveState=… and NeedDaemonReload=… lines, which are facts as they stand.
            `if [ -d /run/systemd/system ]; then systemctl show -p ActiveState -p NeedDaemonReload ${shq(args.name)} 2>/dev/null; fi`,
          ].join('\n'),
    check: (args, facts, _p, env) => checkService(want, args, facts, env),
    async apply(args, facts, _p, _env, remote, check) {
      const n = shq(args.name);
      const lines = ['set -e'];
      // As Salt does: a changed unit file is reloaded before the service is started or stopped.
      if (check.changes.running !== undefined && facts.NeedDaemonReload === 'yes') lines.push('systemctl daemon-reload');
      if (check.changes.enabled !== undefined) lines.push(`systemctl ${check.changes.enabled ? 'enable' : 'disable'} ${n} 2>&1`);
      if (check.changes.running !== undefined) lines.push(`systemctl ${check.changes.running ? 'start' : 'stop'} ${n}`);
      await remote.must(lines.join('\n'), `systemctl for ${args.name}`);
      return { changes: check.changes, comment: check.comment.replace(' would be ', ' was ') };
    },
    ...(want === 'running'
      ? {
          async watch(args, facts, _p, env, remote, applied) {
            if (env.serviceMode === 'enable-only') return { changes: {}, comment: `restart of ${args.name} skipped (service_mode enable-only: the image boots with the new configuration)` };
            if (applied.running === true) return { changes: {}, comment: `${args.name} was just started` };
            const daemonReload = facts.NeedDaemonReload === 'yes' ? 'systemctl daemon-reload && ' : '';
            await remote.must(`${daemonReload}systemctl ${args.reload ? 'reload' : 'restart'} ${shq(args.name)}`, `${args.reload ? 'reloading' : 'restarting'} ${args.name}`);
            return { changes: { [args.reload ? 'reloaded' : 'restarted']: true }, comment: `Service ${args.name} ${args.reload ? 'reloaded' : 'restarted'}` };
          },
        }
      : {}),
  };
}

export const serviceRunning = makeService('running');
export const serviceDead = makeService('dead');
export const serviceEnabled = makeService('enabled');
export const serviceDisabled = makeService('disabled');
