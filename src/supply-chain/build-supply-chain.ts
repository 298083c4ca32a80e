import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NoCommunicator } from '../communicator/index.js';
import type { Communicator } from '../communicator/types.js';
import type { Artifact } from '../core/artifact.js';
import { BakeError, errorText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { span } from '../core/spans.js';
import { bundleSupports, envelope, provenanceStatement, sigstoreBundle } from '../provenance/index.js';
import { collectInventory, cycloneDxJson, diffPackages, diffSummary, type Inventory, type PackageDiff, packageKey, readSbom, spdxJson } from '../sbom/index.js';
import { PROVENANCE_BUNDLE_FILE, PROVENANCE_FILE, SBOM_FILE, SPDX_FILE, previousSbom, runBuildDir } from './history.js';
import type { SbomMode, SupplyChainRun, TemplateSource } from './run-options.js';
import { artifactSubjects, hostKeyByproduct, sourceImage } from './subjects.js';

/** Image tags (AMI tags, Glance properties) that reference the SBOM of the image. */
export const SBOM_TAG = 'bake:sbom-sha256';
export const PACKAGES_TAG = 'bake:packages-sha256';

/** What a build's closing record says about its SBOM, provenance and diff. */
export interface SupplyChainRecord {
  sbom?: { file: string; history: string; sha256: string; packages: number; packages_sha256: string; complete: boolean; /** The SPDX copy (-spdx). */ spdx?: string };
  provenance?: { file: string; signed: boolean; /** The Sigstore bundle beside it, when signed with a key Sigstore's verifiers take. */ bundle?: string };
  diff?: { against_run: string; summary: string } & PackageDiff;
  /** Files the manifest lists for the build. */
  files: string[];
}

interface Collected {
  json: string;
  /** The same list as SPDX 2.3 JSON, with -spdx. */
  spdx?: string;
  sha256: string;
  packagesSha256: string;
  inventory: Inventory;
}

export interface BuildIdentity {
  name: string;
  type: string;
  /** e.g. "builders[0]", for messages. */
  path: string;
  file: string;
  buildId: string;
  sbom: SbomMode;
}

/**
 * The one place, after the last provisioner and before the snapshot, where a build's contents are
 * listed (afterProvision, over whichever communicator the builder holds), and, once the builder
 * has its artifact, where its SBOM and signed provenance are written (finish). Builders only call
 * ctx.provision and, when they tag images, add imageTags().
 */
export class BuildSupplyChain {
  private collected?: Collected;
  private readonly started = new Date();

  constructor(
    private readonly run: SupplyChainRun,
    private readonly template: TemplateSource,
    private readonly build: BuildIdentity,
    private readonly log: Logger,
    private readonly redact: <T>(value: T) => T,
  ) {}

  async afterProvision(comm: Communicator, signal: AbortSignal): Promise<void> {
    if (this.build.sbom === false) return;
    await span(this.log, 'step', 'sbom', async () => {
      const t0 = performance.now();
      const inventory: Inventory =
        comm instanceof NoCommunicator
          ? { packages: [], managers: [], problems: [], note: 'the build has no communicator ("communicator": "none"): the image\'s software is not listed' }
          : await collectInventory(comm, { signal });
      for (const p of inventory.problems) this.log.warn(`SBOM incomplete: ${p}`);
      if (inventory.problems.length && this.build.sbom === 'required') {
        throw new BakeError(`${this.build.file}: ${this.build.path}.sbom is "required" but the SBOM is incomplete: ${inventory.problems[0]}`);
      }
      const subject = { buildName: this.build.name, builderType: this.build.type, runId: this.run.runId, bakeVersion: this.run.bakeVersion, time: new Date() };
      const json = await cycloneDxJson(inventory, subject);
      this.collected = { json, sha256: sha256(json), packagesSha256: packagesDigest(inventory), inventory, ...(this.run.spdx ? { spdx: await spdxJson(inventory, subject) } : {}) };
      const os = inventory.os?.prettyName ?? inventory.os?.id;
      const what = inventory.managers.length ? `${inventory.packages.length} packages (${inventory.managers.join(', ')})` : (inventory.note ?? 'no packages');
      this.log.say(`SBOM: ${what}${os ? `, ${os}` : ''} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    });
  }

  /** Tags for the image the builder makes next: the SBOM's digest and the package list's. */
  imageTags(): Record<string, string> {
    if (!this.collected) return {};
    return { [SBOM_TAG]: this.collected.sha256, [PACKAGES_TAG]: this.collected.packagesSha256 };
  }

  /**
   * Writes the SBOM and the provenance next to the artifact (its files' folder), or for cloud
   * images into the run's folder, and keeps a copy of the SBOM there for later diffs.
   */
  async finish(artifact: Artifact, signal: AbortSignal): Promise<SupplyChainRecord> {
    const history = runBuildDir(this.run.runsDir, this.run.runId, this.build.name);
    const outDir = artifact.files.length ? dirname(resolve(artifact.files[0])) : history;
    mkdirSync(history, { recursive: true });
    const record: SupplyChainRecord = { files: [] };
    const byproducts = [];
    if (this.collected) {
      const c = this.collected;
      const file = join(outDir, SBOM_FILE);
      writeFileSync(join(history, SBOM_FILE), c.json);
      if (outDir !== history) writeFileSync(file, c.json);
      record.sbom = {
        file,
        history: join(history, SBOM_FILE),
        sha256: c.sha256,
        packages: c.inventory.packages.length,
        packages_sha256: c.packagesSha256,
        complete: c.inventory.problems.length === 0,
      };
      record.files.push(file);
      byproducts.push({ name: SBOM_FILE, digest: { sha256: c.sha256 }, mediaType: 'application/vnd.cyclonedx+json' });
      if (c.spdx) {
        const spdx = join(outDir, SPDX_FILE);
        writeFileSync(join(history, SPDX_FILE), c.spdx);
        if (outDir !== history) writeFileSync(spdx, c.spdx);
        record.sbom.spdx = spdx;
        record.files.push(spdx);
        byproducts.push({ name: SPDX_FILE, digest: { sha256: sha256(c.spdx) }, mediaType: 'application/spdx+json' });
      }
      record.diff = this.diff(join(history, SBOM_FILE));
    }
    const hostKey = hostKeyByproduct(artifact);
    if (hostKey) byproducts.push(hostKey);
    let subjects = await artifactSubjects(artifact, signal);
    // A build that leaves no image (the null builder) attests what it found on the machine.
    if (subjects.length === 0 && record.sbom) subjects = [{ name: SBOM_FILE, digest: { sha256: record.sbom.sha256 } }];
    if (subjects.length) {
      const statement = provenanceStatement({
        template: { path: this.template.path, sha256: this.template.sha256 },
        buildName: this.build.name,
        builderType: this.build.type,
        bakeVersion: this.run.bakeVersion,
        runId: this.run.runId,
        buildId: this.build.buildId,
        started: this.started,
        finished: new Date(),
        variables: this.redact(this.template.variables),
        sensitiveVariables: this.template.sensitiveVariables,
        source: sourceImage(artifact),
        subjects,
        byproducts,
      });
      const env = envelope(Buffer.from(JSON.stringify(statement)), this.run.signingKey);
      const file = join(outDir, PROVENANCE_FILE);
      writeFileSync(file, JSON.stringify(env) + '\n');
      if (outDir !== history) writeFileSync(join(history, PROVENANCE_FILE), JSON.stringify(env) + '\n');
      record.provenance = { file, signed: env.signatures.length > 0 };
      record.files.push(file);
      const key = this.run.signingKey;
      if (key && bundleSupports(key)) {
        const bundle = join(outDir, PROVENANCE_BUNDLE_FILE);
        const text = JSON.stringify(sigstoreBundle(env, key)) + '\n';
        writeFileSync(bundle, text);
        if (outDir !== history) writeFileSync(join(history, PROVENANCE_BUNDLE_FILE), text);
        record.provenance.bundle = bundle;
        record.files.push(bundle);
      } else if (key) {
        this.log.info(`No Sigstore bundle (${PROVENANCE_BUNDLE_FILE}): Sigstore's verifiers check ECDSA with SHA-256 only, and ${key.file} is a ${key.hash === 'sha384' ? 'P-384' : 'P-521'} key; the DSSE file is signed`);
      }
    }
    const signed = record.provenance?.signed ? `signed with ${this.run.signingKey!.file}` : 'unsigned: no -sign-key';
    if (record.sbom || record.provenance) {
      this.log.info(`Wrote ${record.files.join(' and ')}${record.provenance ? ` (provenance ${signed})` : ''}`);
    }
    return record;
  }

  private diff(current: string): SupplyChainRecord['diff'] {
    const previous = previousSbom(this.run.runsDir, this.build.name, this.run.runId, this.run.diffAgainst);
    if (!previous) {
      if (this.run.diffAgainst) this.log.info(`-diff-against ${this.run.diffAgainst}: no earlier SBOM of build '${this.build.name}' in ${this.run.runsDir}`);
      return undefined;
    }
    try {
      const d = diffPackages(readSbom(previous.path).packages, readSbom(current).packages);
      return { against_run: previous.runId, summary: diffSummary(d), ...d };
    } catch (err) {
      this.log.warn(`cannot compare with the SBOM of run ${previous.runId}: ${errorText(err)}`);
      return undefined;
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A digest of the package list alone (not the SBOM's timestamp or serial): equal for two images with the same packages. */
function packagesDigest(inventory: Inventory): string {
  const lines = inventory.packages.map((p) => `${packageKey(p)} ${p.version}`).sort();
  return sha256(lines.join('\n'));
}
