import { describe, expect, it } from 'vitest';
import { PlaybookWatch } from '../../../src/provisioners/ansible/playbook-watch.js';

const feed = (lines: string[]) => {
  const w = new PlaybookWatch();
  for (const l of lines) w.line(l);
  return w.failure;
};

describe('PlaybookWatch', () => {
  it('names the first failing task and its msg with stderr', () => {
    expect(
      feed([
        'TASK [Install nginx] ****',
        'fatal: [default]: FAILED! => {"changed": false, "msg": "non-zero return code", "stderr": "E: Unable to locate package nginx\\n"}',
        'TASK [Later] ****',
        'fatal: [default]: FAILED! => {"msg": "second"}',
      ]),
    ).toEqual({ task: 'Install nginx', host: 'default', unreachable: false, message: 'non-zero return code: E: Unable to locate package nginx' });
  });

  it('reads the multi-line result ansible prints with -v, in colour, and an unreachable host', () => {
    expect(feed(['\x1b[0;33mTASK [Gathering Facts] ***\x1b[0m', 'fatal: [web]: UNREACHABLE! => {', '    "changed": false,', '    "msg": "Failed to connect to the host via ssh: Connection refused",', '    "unreachable": true', '}'])).toEqual({
      task: 'Gathering Facts',
      host: 'web',
      unreachable: true,
      message: 'Failed to connect to the host via ssh: Connection refused',
    });
  });

  it('quotes a result that is not JSON as one line, and sees handlers as tasks', () => {
    expect(feed(['RUNNING HANDLER [restart nginx] ***', 'fatal: [default]: FAILED! => msg: Unit nginx.service not found.'])).toEqual({
      task: 'restart nginx',
      host: 'default',
      unreachable: false,
      message: 'msg: Unit nginx.service not found.',
    });
    expect(feed(['TASK [ok] ***', 'ok: [default]'])).toBeUndefined();
  });
});
