/** A SLSA / in-toto resource: what a subject, dependency or byproduct is, with its digests. */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface ProvenanceInput {
  template: { path: string; sha256: string };
  buildName: string;
  builderType: string;
  bakeVersion: string;
  runId: string;
  buildId: string;
  started: Date;
  finished: Date;
  /** Non-sensitive variables with their values; sensitive ones are listed by name only. */
  variables: Record<string, string>;
  sensitiveVariables: string[];
  source?: ResourceDescriptor;
  subjects: ResourceDescriptor[];
  byproducts: ResourceDescriptor[];
}

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What a bake build's externalParameters mean; documented in docs/supply-chain.md. */
export const BAKE_BUILD_TYPE = 'https://bake.dev/provenance/image-build/v1';

export interface Statement {
  _type: string;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters: Record<string, unknown>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string; version: Record<string, string> };
      metadata: { invocationId: string; startedOn: string; finishedOn: string };
      byproducts: ResourceDescriptor[];
    };
  };
}

/** An in-toto Statement v1 with a SLSA Provenance v1 predicate for one build's artifact. */
export function provenanceStatement(p: ProvenanceInput): Statement {
  const templateRef: ResourceDescriptor = { uri: p.template.path, digest: { sha256: p.template.sha256 } };
  return {
    _type: STATEMENT_TYPE,
    subject: p.subjects,
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BAKE_BUILD_TYPE,
        externalParameters: {
          template: templateRef,
          build: p.buildName,
          builderType: p.builderType,
          variables: p.variables,
          sensitiveVariables: p.sensitiveVariables,
        },
        internalParameters: { buildId: p.buildId },
        resolvedDependencies: [{ name: 'template', ...templateRef }, ...(p.source ? [{ name: 'source-image', ...p.source }] : [])],
      },
      runDetails: {
        builder: { id: `https://bake.dev/builders/${p.builderType}`, version: { bake: p.bakeVersion } },
        metadata: { invocationId: p.runId, startedOn: p.started.toISOString(), finishedOn: p.finished.toISOString() },
        byproducts: p.byproducts,
      },
    },
  };
}
