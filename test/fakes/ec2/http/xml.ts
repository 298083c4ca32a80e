/** SDK-shaped outputs of the fake as EC2 Query protocol XML (element names per the EC2 API reference). */
const NAMES: Record<string, string> = {
  Reservations: 'reservationSet',
  Instances: 'instancesSet',
  StoppingInstances: 'instancesSet',
  TerminatingInstances: 'instancesSet',
  PublicIpAddress: 'ipAddress',
  PublicDnsName: 'dnsName',
  Tags: 'tagSet',
  Images: 'imagesSet',
  BlockDeviceMappings: 'blockDeviceMapping',
  KeyPairs: 'keySet',
  Snapshots: 'snapshotSet',
  Subnets: 'subnetSet',
  Vpcs: 'vpcSet',
  StateReason: 'stateReason',
  Volumes: 'volumeSet',
  Attachments: 'attachmentSet',
};

const CONTEXT: Record<string, Record<string, string>> = {
  instance: { State: 'instanceState', SecurityGroups: 'groupSet' },
  image: { State: 'imageState', OwnerId: 'imageOwnerId' },
  group: {},
  // Volumes, their attachments and snapshots name their state "status".
  volume: { State: 'status' },
};

/** Actions whose top-level output is one volume, attachment or snapshot. */
const VOLUME_ACTIONS = new Set(['CreateVolume', 'AttachVolume', 'DetachVolume', 'CreateSnapshot']);

const camel = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function element(name: string, value: unknown, ctx: string): string {
  if (value === undefined || value === null) return '';
  const childCtx = name === 'instancesSet' ? 'instance' : name === 'imagesSet' ? 'image' : ['volumeSet', 'attachmentSet', 'snapshotSet'].includes(name) ? 'volume' : ctx;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element('item', v, childCtx)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const body = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(CONTEXT[childCtx]?.[k] ?? NAMES[k] ?? camel(k), v, childCtx))
      .join('');
    return `<${name}>${body}</${name}>`;
  }
  return `<${name}>${escape(String(value))}</${name}>`;
}

export function responseXml(action: string, output: Record<string, unknown>, requestId: string): string {
  const ctx = action === 'DescribeSecurityGroups' ? 'group' : VOLUME_ACTIONS.has(action) ? 'volume' : '';
  const renamed = action === 'DescribeSecurityGroups' ? { securityGroupInfo: output.SecurityGroups } : output;
  const body = Object.entries(renamed)
    .map(([k, v]) => element(k === 'securityGroupInfo' ? k : CONTEXT[ctx]?.[k] ?? NAMES[k] ?? camel(k), v, ctx))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${body}</${action}Response>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
