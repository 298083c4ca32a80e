import { describe, expect, it } from 'vitest';
import { render } from '../../../src/template/index.js';

// Outputs captured from Packer 1.6.6 (`packer build` of a null builder whose shell-local
// provisioner printed each expression through environment_vars), with variables {name: "Web
// Server"}, build name "web" and type "null". bake must render every one identically.
const PACKER_1_6_6: [string, string][] = [
  ['{{ upper "abc" }}', 'ABC'],
  ['{{ lower "AbC" }}', 'abc'],
  ['{{ replace "a" "b" 2 "aaaa" }}', 'bbaa'],
  ['{{ replace "a" "b" -1 "aaaa" }}', 'bbbb'],
  ['{{ replace "" "-" 2 "abc" }}', '-a-bc'],
  ['{{ replace_all "-" "_" "a-b-c" }}', 'a_b_c'],
  ['{{ split "a,b,c" "," 1 }}', 'b'],
  ['{{ "x y" | replace_all " " "-" | upper }}', 'X-Y'],
  ['{{ user `name` | lower }}', 'web server'],
  ['{{ build_name }}-{{ build_type }}', 'web-null'],
  ['a {{- " b " -}} c', 'a b c'],
  ['{{ "tab\\there" }}', 'tab\there'],
  ['{{ `raw\\n` }}', 'raw\\n'],
  ['{{ printf "%s-%03d" "x" 7 }}', 'x-007'],
  ['{{ print "a" 1 2 "b" }}', 'a1 2b'],
  ['{{ 42 }} {{ true }}', '42 true'],
  ['{{/* comment */}}kept', 'kept'],
];

describe('render matches Packer 1.6.6', () => {
  it.each(PACKER_1_6_6)('%s → %j', (expression, packerOutput) => {
    expect(render(expression, { userVars: { name: 'Web Server' }, buildName: 'web', buildType: 'null' })).toBe(packerOutput);
  });
});
