import { BakeError, errorText, isAbort } from '../../core/errors.js';

type Removable = 'aws:instance' | 'aws:key-pair' | 'aws:security-group' | 'aws:image' | 'aws:snapshot';

/** The AWS CLI command that removes what bake could not, as the openstack builder names `openstack … delete`. */
export function awsRemoveCommand(type: Removable, id: string, region: string): string {
  switch (type) {
    case 'aws:instance':
      return `aws ec2 terminate-instances --region ${region} --instance-ids ${id}`;
    case 'aws:key-pair':
      return `aws ec2 delete-key-pair --region ${region} --key-name ${id}`;
    case 'aws:security-group':
      return `aws ec2 delete-security-group --region ${region} --group-id ${id}`;
    case 'aws:image':
      return `aws ec2 deregister-image --region ${region} --image-id ${id} (then delete its snapshots)`;
    case 'aws:snapshot':
      return `aws ec2 delete-snapshot --region ${region} --snapshot-id ${id}`;
  }
}

/**
 * A removal that failed keeps its journal entry, so `bake cleanup` tries again; the error says so
 * and names the command that removes it by hand. An abort stays an abort.
 */
export async function removeOrSay<T>(type: Removable, id: string, region: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new BakeError(`${errorText(err)}; \`bake cleanup\` tries again, or remove it with: ${awsRemoveCommand(type, id, region)}`);
  }
}
