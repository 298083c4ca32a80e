import { basename } from 'node:path';
import type { Artifact } from '../core/artifact.js';
import { hashFile } from '../local-image/index.js';
import type { ResourceDescriptor } from '../provenance/index.js';

/**
 * What the provenance speaks about: each file of the artifact by its sha256, each cloud image by
 * its id (no content digest exists for an AMI or a Glance image; "imageId" is the DSSE/in-toto
 * custom digest that names it, so `bake verify --image ID` can match it).
 */
export async function artifactSubjects(artifact: Artifact, signal: AbortSignal): Promise<ResourceDescriptor[]> {
  const subjects: ResourceDescriptor[] = [];
  for (const file of artifact.files) subjects.push({ name: basename(file), digest: { sha256: await hashFile(file, 'sha256', signal) } });
  for (const [region, id] of Object.entries(artifact.images)) {
    if (region === 'local') continue;
    subjects.push({ name: `${region}:${id}`, digest: { imageId: id } });
  }
  return subjects;
}

/** The source image the builder started from, as far as its artifact's metadata says. */
export function sourceImage(artifact: Artifact): ResourceDescriptor | undefined {
  const m = artifact.metadata;
  const text = (k: string) => (typeof m[k] === 'string' && m[k] !== '' ? (m[k] as string) : undefined);
  const ami = text('source_ami');
  if (ami) return { uri: `arn:aws:ec2:${text('region') ?? ''}::image/${ami}`, digest: { imageId: ami }, ...(text('source_ami_name') ? { annotations: { name: text('source_ami_name')! } } : {}) };
  const glance = text('source_image');
  if (glance) return { uri: `openstack:image/${glance}`, digest: { imageId: glance } };
  // Local builds: the iso_url (or path) and the digest iso_checksum verified, or the file's sha256.
  const local = text('source');
  if (local) {
    const uri = text('source_uri') ?? local;
    const d = /^(md5|sha1|sha256|sha512):([0-9a-f]+)$/.exec(text('source_digest') ?? '');
    return { uri: uri.includes('://') ? uri : `file://${uri}`, ...(d ? { digest: { [d[1]!]: d[2]! } } : {}), ...(uri !== local ? { annotations: { local_path: local } } : {}) };
  }
  // The null builder's machine has no image to hash: it is named by the SSH host key it answered with.
  const machine = text('source_uri');
  if (machine) {
    const key = hostKeyByproduct(artifact);
    return { uri: machine, ...(key ? { digest: { sshHostKeySha256: key.digest!.sha256! } } : {}) };
  }
  return undefined;
}

/**
 * The SSH host key the build's communicator accepted and verified (the orchestrator records it in the
 * artifact's metadata as `ssh_host_key`: host, OpenSSH's "SHA256:base64" fingerprint, type, how it
 * was verified): a byproduct, so a verifier knows which machine answered and how bake knew it.
 */
export function hostKeyByproduct(artifact: Artifact): ResourceDescriptor | undefined {
  const key = artifact.metadata.ssh_host_key as { fingerprint?: unknown; method?: unknown; type?: unknown } | undefined;
  const fp = key?.fingerprint;
  if (typeof fp !== 'string') return undefined;
  const m = /^SHA256:([A-Za-z0-9+/]+)=*$/.exec(fp);
  if (!m) return undefined;
  return { name: 'ssh-host-key', digest: { sha256: Buffer.from(m[1], 'base64').toString('hex') }, annotations: { fingerprint: fp, type: String(key?.type ?? ''), verified_by: String(key?.method ?? '') } };
}
