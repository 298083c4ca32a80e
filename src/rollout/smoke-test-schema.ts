import { sshConfigProperties } from '../communicator/index.js';
import { bool, duration, oneOfStrings, str, stringList } from '../plugins/schema-helpers.js';

/** amazon-asg's `smoke_test`: one instance from the new AMI must pass before any group changes. */
export const smokeTestSchema = {
  type: 'object',
  description: 'Before changing any group: launch one instance from the new AMI, run commands on it over SSH, terminate it. A failure stops the rollout with the groups untouched.',
  additionalProperties: false,
  required: ['commands', 'ssh_username'],
  properties: {
    ...sshConfigProperties,
    commands: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Shell commands run in order; each must exit 0.' },
    instance_type: str('Instance type of the test instance.', 't3.micro'),
    subnet_id: str('Subnet to launch in (as the builder\'s subnet_id); default: the default VPC.'),
    security_group_ids: stringList('Security groups of the test instance; they must let bake reach SSH.'),
    associate_public_ip_address: bool('Give the instance a public address.'),
    iam_instance_profile: str('Instance profile, when the check needs AWS access.'),
    ssh_interface: oneOfStrings(['public_ip', 'private_ip', 'public_dns', 'private_dns'] as const, 'Which address of the instance SSH connects to; default: public, else private.'),
    timeout: duration('Longest the whole smoke test may take.', '15m'),
  },
} as const;
