// The QMP side of a QEMU whose guest stopped with a KVM internal error: it answers on the
// -qmp socket from its arguments as QEMU does, and query-status says "internal-error".
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

const args = process.argv.slice(2);
const spec = args[args.indexOf('-qmp') + 1] ?? '';
const path = /^unix:([^,]+)/.exec(spec)?.[1];
if (!path) {
  console.error('qmp-internal-error: no -qmp unix:PATH argument');
  process.exit(2);
}
rmSync(path, { force: true });
// QMP_FAIL_AFTER_MS: the guest runs that long before it stops (0: stopped from the start).
const failAt = Date.now() + Number(process.env.QMP_FAIL_AFTER_MS ?? 0);
const answers = {
  qmp_capabilities: {},
  get 'query-status'() {
    return Date.now() < failAt ? { status: 'running', singlestep: false, running: true } : { status: 'internal-error', singlestep: false, running: false };
  },
  'human-monitor-command': '',
};
createServer((socket) => {
  socket.write(`${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } })}\n`);
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const { execute } = JSON.parse(line);
      if (execute === 'quit') process.exit(0);
      socket.write(`${JSON.stringify({ return: answers[execute] ?? {} })}\n`);
    }
  });
  socket.on('error', () => {});
}).listen(path);
