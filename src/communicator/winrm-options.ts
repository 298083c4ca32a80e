import type { Unsupported } from '../plugins/types.js';

const names = ['winrm_username', 'winrm_password', 'winrm_host', 'winrm_port', 'winrm_timeout', 'winrm_use_ssl', 'winrm_insecure', 'winrm_use_ntlm', 'winrm_no_proxy'];

/**
 * Packer's WinRM communicator options. bake has no WinRM communicator, but templates such as
 * bento's set winrm_* in every source and pick the communicator per OS: with "ssh" or "none" they
 * change nothing and are accepted with one note; a build that would use WinRM is refused (the
 * communicator's own schema refuses "winrm").
 */
export const winrmUnsupported: Unsupported = Object.fromEntries(
  names.map((name) => [
    name,
    {
      effect: 'error',
      why: 'WinRM is not supported; use SSH',
      inertWhen: (config: Record<string, unknown>) => (config.communicator === 'winrm' ? undefined : `as the communicator is "${String(config.communicator ?? 'ssh')}", not "winrm"`),
    },
  ]),
);
