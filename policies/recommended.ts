/**
 * The `recommended` policy: every built-in check with its defaults, each tied to the OWASP ML06
 * prevention item it enforces.
 *
 * @module
 */
import { definePolicy, type Policy } from "../core/policy.ts";
import { checks } from "../checks/mod.ts";

/**
 * The prevention items of OWASP ML06 (2023), as the checks enforce them.
 *
 * @example
 * ```ts
 * import { ML06_PREVENTION } from "./recommended.ts";
 * ML06_PREVENTION.virtualEnvironments;
 * ```
 */
export const ML06_PREVENTION = {
  verifySignatures:
    "ML06 · Verify package signatures: install only files whose integrity can be checked",
  secureRepositories: "ML06 · Use secure package repositories: install only from trusted sources",
  keepUpToDate: "ML06 · Keep packages up to date: no stale, yanked or vulnerable versions",
  virtualEnvironments: "ML06 · Use virtual environments: isolate each project's packages",
  codeReview: "ML06 · Perform code reviews: nothing runs that was not reviewed",
  verificationTools: "ML06 · Use package verification tools: verify what is loaded, pinned",
  secureInfrastructure:
    "ML06 · Deploy ML infrastructure securely: UIs behind authentication, no credentials in files",
} as const;

/**
 * The check id → ML06 prevention item map of the recommended policy, shown by `tollgate explain`.
 *
 * @example
 * ```ts
 * import { PREVENTION_BY_CHECK } from "./recommended.ts";
 * PREVENTION_BY_CHECK["venv.isolated"];
 * ```
 */
export const PREVENTION_BY_CHECK: Readonly<Record<string, string>> = {
  "signature.hash-pinned": ML06_PREVENTION.verifySignatures,
  "source.allowed-indexes": ML06_PREVENTION.secureRepositories,
  "source.https-only": ML06_PREVENTION.secureRepositories,
  "source.no-dependency-confusion": ML06_PREVENTION.secureRepositories,
  "source.unclaimed-names": ML06_PREVENTION.secureRepositories,
  "source.vcs-pinned": ML06_PREVENTION.verifySignatures,
  "source.lookalike-packages": ML06_PREVENTION.secureRepositories,
  "venv.isolated": ML06_PREVENTION.virtualEnvironments,
  "venv.matches-lock": ML06_PREVENTION.virtualEnvironments,
  "signature.installed-integrity": ML06_PREVENTION.verificationTools,
  "signature.model-signed": ML06_PREVENTION.verifySignatures,
  "signature.package-attested": ML06_PREVENTION.verifySignatures,
  "freshness.max-age": ML06_PREVENTION.keepUpToDate,
  "freshness.min-release-age": ML06_PREVENTION.verificationTools,
  "freshness.not-yanked": ML06_PREVENTION.keepUpToDate,
  "freshness.no-known-vulnerabilities": ML06_PREVENTION.keepUpToDate,
  "hub.revision-pinned": ML06_PREVENTION.verificationTools,
  "hub.no-remote-code": ML06_PREVENTION.codeReview,
  "hub.trusted-publishers": ML06_PREVENTION.secureRepositories,
  "hub.lookalike-publishers": ML06_PREVENTION.secureRepositories,
  "hub.model-resolves": ML06_PREVENTION.secureRepositories,
  "hub.safe-weights": ML06_PREVENTION.verificationTools,
  "artifact.no-unsafe-pickle": ML06_PREVENTION.verificationTools,
  "artifact.no-embedded-code": ML06_PREVENTION.verificationTools,
  "artifact.safe-format": ML06_PREVENTION.verificationTools,
  "artifact.safe-loaders": ML06_PREVENTION.codeReview,
  "infra.no-unauthenticated-ui": ML06_PREVENTION.secureInfrastructure,
  "infra.no-plaintext-secrets": ML06_PREVENTION.secureInfrastructure,
  "review.supply-chain-owners": ML06_PREVENTION.codeReview,
};

const why = (id: string) => ({ rationale: PREVENTION_BY_CHECK[id] });

/**
 * The default policy when a project has none.
 *
 * @example
 * ```ts
 * import { recommended } from "./recommended.ts";
 * recommended.checks.map((c) => c.id);
 * ```
 */
export const recommended: Policy = definePolicy({
  name: "recommended",
  checks: [
    checks.signature.hashPinned({}, why("signature.hash-pinned")),
    checks.source.allowedIndexes({}, why("source.allowed-indexes")),
    checks.source.httpsOnly({}, why("source.https-only")),
    checks.source.noDependencyConfusion({}, why("source.no-dependency-confusion")),
    checks.source.unclaimedNames({}, why("source.unclaimed-names")),
    checks.source.vcsPinned({}, why("source.vcs-pinned")),
    checks.source.lookalikePackages({}, why("source.lookalike-packages")),
    checks.venv.isolated({}, why("venv.isolated")),
    checks.venv.matchesLock({}, why("venv.matches-lock")),
    checks.signature.installedIntegrity({}, why("signature.installed-integrity")),
    checks.signature.modelSigned({}, why("signature.model-signed")),
    checks.signature.packageAttested({}, why("signature.package-attested")),
    checks.freshness.maxAge({}, why("freshness.max-age")),
    checks.freshness.minReleaseAge({}, why("freshness.min-release-age")),
    checks.freshness.notYanked({}, why("freshness.not-yanked")),
    checks.freshness.noKnownVulnerabilities({}, why("freshness.no-known-vulnerabilities")),
    checks.hub.revisionPinned({}, why("hub.revision-pinned")),
    checks.hub.noRemoteCode({}, why("hub.no-remote-code")),
    checks.hub.trustedPublishers({}, why("hub.trusted-publishers")),
    checks.hub.lookalikePublishers({}, why("hub.lookalike-publishers")),
    checks.hub.modelResolves({}, why("hub.model-resolves")),
    checks.hub.safeWeights({}, why("hub.safe-weights")),
    checks.artifact.noUnsafePickle({}, why("artifact.no-unsafe-pickle")),
    checks.artifact.noEmbeddedCode({}, why("artifact.no-embedded-code")),
    checks.artifact.safeFormat({}, why("artifact.safe-format")),
    checks.artifact.safeLoaders({}, why("artifact.safe-loaders")),
    checks.infra.noUnauthenticatedUi({}, why("infra.no-unauthenticated-ui")),
    checks.infra.noPlaintextSecrets({}, why("infra.no-plaintext-secrets")),
    checks.review.supplyChainOwners({}, why("review.supply-chain-owners")),
  ],
  failOn: "error",
});
