/**
 * The built-in checks, by family, and as a catalogue keyed by id.
 *
 * @module
 */
import type { z } from "zod";
import type { CheckFactory } from "../core/check.ts";
import { hashPinned, installedIntegrity, modelSigned, packageAttested } from "./signature/mod.ts";
import {
  allowedIndexes,
  httpsOnly,
  lookalikePackages,
  noDependencyConfusion,
  unclaimedNames,
  vcsPinned,
} from "./source/mod.ts";
import { isolated, matchesLock } from "./venv/mod.ts";
import {
  lookalikePublishers,
  modelResolves,
  noRemoteCode,
  revisionPinned,
  safeWeights,
  trustedPublishers,
} from "./hub/mod.ts";
import { noEmbeddedCode, noUnsafePickle, safeFormat, safeLoaders } from "./artifact/mod.ts";
import { maxAge, minReleaseAge, noKnownVulnerabilities, notYanked } from "./freshness/mod.ts";
import { noPlaintextSecrets, noUnauthenticatedUi } from "./infra/mod.ts";
import { supplyChainOwners } from "./review/mod.ts";

/**
 * Built-in check factories grouped by family.
 *
 * @example
 * ```ts
 * import { checks } from "./mod.ts";
 * const c = checks.source.allowedIndexes({ indexes: ["https://pypi.org/simple"] });
 * ```
 */
export const checks = {
  signature: { hashPinned, installedIntegrity, modelSigned, packageAttested },
  freshness: { maxAge, minReleaseAge, notYanked, noKnownVulnerabilities },
  source: {
    allowedIndexes,
    httpsOnly,
    lookalikePackages,
    noDependencyConfusion,
    unclaimedNames,
    vcsPinned,
  },
  venv: { isolated, matchesLock },
  hub: {
    revisionPinned,
    noRemoteCode,
    trustedPublishers,
    lookalikePublishers,
    modelResolves,
    safeWeights,
  },
  artifact: { noUnsafePickle, noEmbeddedCode, safeFormat, safeLoaders },
  infra: { noUnauthenticatedUi, noPlaintextSecrets },
  review: { supplyChainOwners },
} as const;

/**
 * Every built-in check factory keyed by check id, sorted by id.
 *
 * @example
 * ```ts
 * import { catalogue } from "./mod.ts";
 * catalogue.has("source.https-only"); // true
 * ```
 */
export const catalogue: ReadonlyMap<string, CheckFactory<z.ZodType>> = new Map(
  Object.values(checks).flatMap((family) => Object.values(family) as CheckFactory<z.ZodType>[])
    .map((factory) => [factory.id, factory] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
