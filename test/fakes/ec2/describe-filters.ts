import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { ec2Error } from './model.js';

/** EC2 filter matching with * and ? wildcards, for the filters the builder and cleanup use. */
export function matches(filters: Filter[] | undefined, fields: Record<string, string | undefined>, tags: Tag[]): boolean {
  return (filters ?? []).every((f) => {
    const values = f.Values ?? [];
    if (f.Name === 'tag-key') return tags.some((t) => values.includes(t.Key ?? ''));
    if (f.Name?.startsWith('tag:')) {
      const v = tags.find((t) => t.Key === f.Name!.slice(4))?.Value;
      return v !== undefined && values.some((p) => glob(p, v));
    }
    // EC2 refuses a filter name it does not know for the resource, rather than matching nothing.
    if (!Object.hasOwn(fields, f.Name ?? '')) throw ec2Error('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    const v = fields[f.Name ?? ''];
    return v !== undefined && values.some((p) => glob(p, v));
  });
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

export function tagsFrom(specs: { ResourceType?: string; Tags?: Tag[] }[] | undefined, type: string): Tag[] {
  return (specs ?? []).filter((s) => s.ResourceType === type).flatMap((s) => s.Tags ?? []);
}
