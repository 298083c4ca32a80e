import type { ResourceType, Tag, TagSpecification } from '@aws-sdk/client-ec2';

/** Every resource bake creates carries this tag; `bake cleanup` never touches one without it. */
export const BUILD_ID_TAG = 'bake:build-id';
export const TEMPLATE_TAG = 'bake:template';
export const BUILD_TAG = 'bake:build';

export function toTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromTags(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function bakeTags(buildId: string, template: string, build: string): Record<string, string> {
  return { [BUILD_ID_TAG]: buildId, [TEMPLATE_TAG]: template, [BUILD_TAG]: build };
}

/** TagSpecifications tagging each resource type with the same tags at creation. */
export function tagSpecifications(types: ResourceType[], tags: Record<string, string>): TagSpecification[] {
  const list = toTags(tags);
  return types.map((ResourceType) => ({ ResourceType, Tags: list }));
}
