import * as ec2 from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeEc2 } from './fake-ec2.js';
import { HANDLERS } from './handlers.js';

export { FakeEc2 } from './fake-ec2.js';
export { ec2Error, OWNER, type Faults } from './model.js';
export { HANDLERS_BY_ACTION } from './handlers.js';
export { startEc2Server, type Ec2Server } from './http/server.js';
export { type Emulation, WERKZEUG_500 } from './http/emulator.js';

/**
 * Installs a stateful EC2 on every EC2Client's `send` (aws-sdk-client-mock): nothing leaves the
 * process. Commands the fake does not know fail loudly. Call `restore()` after the test.
 */
export function installFakeEc2(fake = new FakeEc2()) {
  const mock = mockClient(ec2.EC2Client);
  mock.callsFake((input) => {
    throw new Error(`fake EC2: unexpected command with input ${JSON.stringify(input)}`);
  });
  for (const [command, name, handler] of HANDLERS) {
    mock.on(command as never).callsFake(async (input: Record<string, unknown>, getClient: () => ec2.EC2Client) => {
      const region = await getClient().config.region();
      return fake.handle(name, region, input, () => handler(fake, region, input));
    });
  }
  return { fake, mock, restore: () => mock.restore() };
}
