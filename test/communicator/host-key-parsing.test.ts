import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConsoleHostKeys } from '../../src/communicator/console-keys.js';
import { fingerprint } from '../../src/communicator/host-key.js';
import { entriesFor, hostMatches, parseKnownHosts } from '../../src/communicator/known-hosts.js';
import { generateEd25519KeyPair } from '../../src/communicator/keys.js';
import { cloudInitConsole } from '../fakes/cloud-init-console.js';

const a = generateEd25519KeyPair('a').publicKey;
const b = generateEd25519KeyPair('b').publicKey;
const fpOf = (line: string) => fingerprint(Buffer.from(line.split(' ')[1], 'base64'));

describe('cloud-init console parsing', () => {
  it('reads both blocks of write-ssh-key-fingerprints, behind logger prefixes and \\r\\n endings', () => {
    const found = parseConsoleHostKeys(cloudInitConsole([a, b]));
    expect(found.keys.map((k) => fingerprint(k.blob))).toEqual([fpOf(a), fpOf(b)]);
    expect(found.fingerprints).toEqual([fpOf(a), fpOf(b)]);
    expect(found.problems).toEqual([]);
    expect(found.finished).toBe(true);
  });

  it('uses the last complete block of a console that booted twice, and calls an unfinished one partial', () => {
    const twice = `${cloudInitConsole([a])}${cloudInitConsole([b])}-----BEGIN SSH HOST KEY KEYS-----\r\n`;
    const found = parseConsoleHostKeys(twice);
    expect(found.keys.map((k) => fingerprint(k.blob))).toEqual([fpOf(b)]);
    expect(found.problems).toEqual(['"-----BEGIN SSH HOST KEY KEYS-----" without "-----END SSH HOST KEY KEYS-----" (partial output)']);
  });

  it('puts keys wrapped over several lines back together and names what it cannot use', () => {
    const [type, base64] = a.split(' ');
    const text = ['-----BEGIN SSH HOST KEY KEYS-----', `${type} ${base64.slice(0, 30)}`, `${base64.slice(30)} root@h`, 'ssh-xmss@openssh.com AAAAFHNzaC14bXNz root@h', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB root@h', '-----END SSH HOST KEY KEYS-----'].join('\n');
    const found = parseConsoleHostKeys(text);
    expect(found.keys.map((k) => fingerprint(k.blob))).toEqual([fpOf(a)]);
    expect(found.problems).toEqual(['key of unknown type "ssh-xmss@openssh.com" ignored', 'garbled ssh-rsa key "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB root@h…"']);
    expect(found.finished).toBe(false);
  });
});

describe('known_hosts matching', () => {
  it('matches plain names, [host]:port, wildcards and negations as OpenSSH does', () => {
    expect(hostMatches('web.example,10.0.0.5', '10.0.0.5', 22)).toBe(true);
    expect(hostMatches('10.0.0.5', '10.0.0.5', 2222)).toBe(false);
    expect(hostMatches('[10.0.0.5]:2222', '10.0.0.5', 2222)).toBe(true);
    expect(hostMatches('*.example', 'WEB.example', 22)).toBe(true);
    expect(hostMatches('*.example,!db.example', 'db.example', 22)).toBe(false);
    expect(hostMatches('10.0.0.?', '10.0.0.7', 22)).toBe(true);
  });

  it('matches hashed names (HMAC-SHA1 of the name under the salt)', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    const hash = createHmac('sha1', salt).update('[h.example]:2200').digest('base64');
    expect(hostMatches(`|1|${salt.toString('base64')}|${hash}`, 'h.example', 2200)).toBe(true);
    expect(hostMatches(`|1|${salt.toString('base64')}|${hash}`, 'h.example', 22)).toBe(false);
  });

  it('sorts a host\'s lines into keys, certificate authorities and revoked keys', () => {
    const file = parseKnownHosts([`h ${a}`, `@cert-authority *.example ${b}`, `@revoked * ${b}`, `|1|bad hash ${a}`].join('\n'), 'kh');
    expect(file.problems).toEqual(['kh:4: a hashed host must read |1|salt|hash']);
    const found = entriesFor(file, 'h', 22);
    expect(found.keys.map((e) => e.where)).toEqual(['kh:1']);
    expect(found.authorities).toEqual([]);
    expect(found.revoked.map((e) => e.where)).toEqual(['kh:3']);
    expect(entriesFor(file, 'x.example', 22).authorities.map((e) => e.where)).toEqual(['kh:2']);
  });
});
