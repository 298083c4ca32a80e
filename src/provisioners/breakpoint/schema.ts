import type { FromSchema } from 'json-schema-to-ts';
import { bool, str } from '../../plugins/schema-helpers.js';

export const breakpointSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    disable: bool('Skip this breakpoint (the build does not pause).', false),
    note: str('Shown when the build pauses here, e.g. what to look at.'),
  },
} as const;

export type BreakpointConfig = FromSchema<typeof breakpointSchema>;
