import type { FromSchema } from 'json-schema-to-ts';
import { bool, int, oneOfStrings, str, stringList, stringMap } from '../../plugins/schema-helpers.js';
import { rolloutAccessProperties } from '../../rollout/access-schema.js';
import { instanceRefreshSchema } from '../../rollout/refresh-options.js';
import { smokeTestSchema } from '../../rollout/smoke-test-schema.js';

/** amazon-asg: swap the built AMI into Auto Scaling groups and refresh their instances. */
export const amazonAsgSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...rolloutAccessProperties,
    auto_scaling_group_names: stringList('Groups to update, looked up in every region of the artifact.'),
    auto_scaling_group_tags: stringMap('Update every group carrying all these tags (in every region of the artifact).'),
    regions: stringList('Only these regions of the artifact; default: every region the AMI is in.'),
    launch_template_version_description: str('Description of the new launch template version; default "bake <build>: <AMI id>".'),
    set_default_version: bool('Make the new launch template version the template\'s default.', true),
    group_version: oneOfStrings(
      ['$Latest', '$Default', 'exact'] as const,
      'What the group references afterwards: "$Latest", "$Default" or "exact" (the new version\'s number); default: the kind of reference it has now.',
    ),
    keep_launch_configurations: int('Launch configuration groups: bake-made copies kept per family; older ones no group uses are deleted.', 2, 1),
    instance_refresh: instanceRefreshSchema,
    smoke_test: smokeTestSchema,
    rollout_record: str('Append each group\'s previous and new state to this JSON file, for `bake rollback --manifest FILE`.'),
    dry_run: bool('Print what would change in each group and change nothing.', false),
    skip_if_unchanged_packages: bool(
      'Roll out only when the package list differs from the AMI each group runs now (their bake:packages-sha256 tags, set by bake builds with an SBOM); a group running an untagged AMI is rolled out.',
      false,
    ),
  },
} as const;

export type AmazonAsgConfig = FromSchema<typeof amazonAsgSchema>;
