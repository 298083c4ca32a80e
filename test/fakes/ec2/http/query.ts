/**
 * EC2 Query protocol requests (form-encoded `Action=…&InstanceId.1=…`) back into the SDK's input
 * shapes, for the members the fake reads.
 */
const LIST_NAMES: Record<string, string> = {
  InstanceId: 'InstanceIds',
  ImageId: 'ImageIds',
  Owner: 'Owners',
  Filter: 'Filters',
  Value: 'Values',
  TagSpecification: 'TagSpecifications',
  Tag: 'Tags',
  SecurityGroupId: 'SecurityGroupIds',
  NetworkInterface: 'NetworkInterfaces',
  BlockDeviceMapping: 'BlockDeviceMappings',
  KeyName: 'KeyNames',
  GroupId: 'GroupIds',
  SnapshotId: 'SnapshotIds',
  VolumeId: 'VolumeIds',
  ResourceId: 'Resources',
  SubnetId: 'SubnetIds',
  UserId: 'UserIds',
  UserGroup: 'GroupNames',
  Add: 'Add',
  IpPermissions: 'IpPermissions',
  IpRanges: 'IpRanges',
};

type Node = { [key: string]: Node | string };

function toShape(node: Node | string, parent?: string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => toShape(node[k]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const value = toShape(node[k], k);
    const name = Array.isArray(value) ? (parent === 'NetworkInterface' && k === 'SecurityGroupId' ? 'Groups' : LIST_NAMES[k] ?? k) : k;
    out[name] = value;
  }
  return out;
}

export function parseQuery(body: string): { action: string; input: Record<string, any> } {
  const root: Node = {};
  const params = new URLSearchParams(body);
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Node;
    });
  }
  const input = toShape(root) as Record<string, any>;
  if (typeof input.PublicKeyMaterial === 'string') input.PublicKeyMaterial = Buffer.from(input.PublicKeyMaterial, 'base64');
  return { action: params.get('Action') ?? '', input };
}
