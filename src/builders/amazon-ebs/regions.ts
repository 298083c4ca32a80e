/** Public AWS regions bake knows; `skip_region_validation` accepts others (new regions, emulators). */
export const KNOWN_REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
  'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
  'sa-east-1', 'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-west-1', 'us-west-2',
]);

const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]+$/;

/** Why EC2 would reject this AMI name, or undefined when it is fine. */
export function amiNameProblem(name: string): string | undefined {
  if (name.length < 3) return 'must be at least 3 characters';
  if (name.length > 128) return `must be at most 128 characters (it is ${name.length})`;
  if (!AMI_NAME.test(name)) {
    const bad = [...new Set([...name].filter((c) => !AMI_NAME.test(c)))].map((c) => JSON.stringify(c)).join(', ');
    return `contains ${bad}: only letters, digits, spaces and ( ) [ ] . / - ' @ _ are allowed (clean_resource_name helps)`;
  }
  return undefined;
}
