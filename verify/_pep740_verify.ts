/**
 * Verify one PEP 740 attestation: the Sigstore bundle (Fulcio certificate chain to the trusted
 * root, its SCT, the Rekor entry's inclusion promise or proof, the DSSE signature) with
 * @sigstore/verify at its default thresholds (one SCT, one log entry, one timestamp: what every
 * PyPI attestation carries), then the signed in-toto statement (one subject: this file and
 * digest; a PyPI predicate type), then who signed it: the source repository that the Fulcio
 * certificate binds for a CI issuer (GitHub Actions, GitLab) in its Source Repository URI
 * extension. The SAN is never used for that: it names the workflow that signed, which for a
 * reusable workflow lives in another repository.
 *
 * @module
 */
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import {
  type Signer,
  toSignedEntity,
  toTrustMaterial,
  type TrustMaterial,
  Verifier,
} from "@sigstore/verify";
import { installSigstoreCompat } from "./_sigstore_compat.ts";
import type { Pep740Attestation } from "./_pep740_bundle.ts";

installSigstoreCompat();

/**
 * Predicate types PyPI accepts in attestations.
 *
 * @example
 * ```ts
 * import { PEP740_PREDICATE_TYPES } from "./_pep740_verify.ts";
 * PEP740_PREDICATE_TYPES.includes("https://slsa.dev/provenance/v1"); // true
 * ```
 */
export const PEP740_PREDICATE_TYPES: readonly string[] = [
  "https://docs.pypi.org/attestations/publish/v1",
  "https://slsa.dev/provenance/v1",
];

const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";

/** OIDC issuers whose Fulcio certificates bind a source repository, and that repository's host. */
const CI_ISSUERS: Readonly<Record<string, string>> = {
  "https://token.actions.githubusercontent.com": "github.com",
  "https://gitlab.com": "gitlab.com",
};

const OID_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";
const OID_BUILD_CONFIG_URI = "1.3.6.1.4.1.57264.1.18";

/** Who signed an attestation, from its verified certificate. */
export interface AttestationSigner {
  /** OIDC issuer (Fulcio issuer extension). */
  issuer?: string;
  /** Subject alternative name: a workflow URI or an e-mail address. */
  identity?: string;
  /** `host/owner/repo`, lower case, when a CI issuer binds it (`github.com/pypa/sampleproject`). */
  repository?: string;
  /**
   * Why a CI issuer's certificate cannot be tied to a repository: its Source Repository URI
   * extension is missing or names no repository on the issuer's host.
   */
  repositoryProblem?: string;
  /** Build config URI (the workflow file at a ref), when present. */
  buildConfig?: string;
}

/** The verdict on one attestation. */
export type AttestationVerdict =
  | { verdict: "verified"; signer: AttestationSigner; predicateType: string }
  | { verdict: "invalid"; message: string }
  | {
    verdict: "other-subject";
    message: string;
    signer: AttestationSigner;
    subject: { name?: string; sha256?: string };
  };

const trustCache = new WeakMap<object, TrustMaterial | string>();

/**
 * Trust material from a parsed `trusted_root.json`, or why it cannot be used. Cached per object.
 *
 * @example
 * ```ts
 * import { trustMaterialFrom } from "./_pep740_verify.ts";
 * typeof trustMaterialFrom("not a root"); // "string"
 * ```
 */
export function trustMaterialFrom(root: unknown): TrustMaterial | string {
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    return "the trusted root is not a JSON object";
  }
  const cached = trustCache.get(root);
  if (cached !== undefined) return cached;
  let result: TrustMaterial | string;
  try {
    result = toTrustMaterial(TrustedRoot.fromJSON(root));
    if (result.certificateAuthorities.length === 0 || result.tlogs.length === 0) {
      result = "the trusted root lists no certificate authority or no transparency log";
    }
  } catch (error) {
    result = `the trusted root cannot be read: ${errorText(error)}`;
  }
  trustCache.set(root, result);
  return result;
}

/**
 * Verify one attestation for the file `filename` with sha256 `sha256`. Never throws.
 *
 * @param attestation From `readProvenance`.
 * @param options Trust material, the file name and its pinned digest (hex).
 * @returns The verdict, with the signer once the signature verified.
 * @example
 * ```ts ignore
 * const verdict = verifyAttestation(attestation, { trust, filename, sha256 });
 * if (verdict.verdict === "verified") console.log(verdict.signer.repository);
 * ```
 */
export function verifyAttestation(
  attestation: Pep740Attestation,
  options: { trust: TrustMaterial; filename: string; sha256: string },
): AttestationVerdict {
  let signer: Signer;
  try {
    const bundle = bundleFromJSON(attestation.sigstoreBundle);
    signer = new Verifier(options.trust).verify(toSignedEntity(bundle));
  } catch (error) {
    return { verdict: "invalid", message: errorText(error) };
  }
  const who = signerOf(signer);
  const statement = readStatement(attestation.statement);
  if (typeof statement === "string") return { verdict: "invalid", message: statement };
  if (!PEP740_PREDICATE_TYPES.includes(statement.predicateType)) {
    return {
      verdict: "invalid",
      message: `the statement's predicate type ${
        clip(statement.predicateType)
      } is not one PyPI accepts`,
    };
  }
  const { name, sha256 } = statement.subject;
  const sameFile = name !== undefined && sameDistribution(name, options.filename);
  const sameDigest = sha256 !== undefined && sha256.toLowerCase() === options.sha256.toLowerCase();
  if (!sameFile || !sameDigest) {
    const named = `${clip(name ?? "(no name)")} with sha256 ${clip(sha256 ?? "(none)")}`;
    return {
      verdict: "other-subject",
      signer: who,
      subject: statement.subject,
      message:
        `it attests ${named}, not ${options.filename} with the pinned sha256 ${options.sha256}`,
    };
  }
  return { verdict: "verified", signer: who, predicateType: statement.predicateType };
}

/** The one subject and the predicate type of an in-toto v1 statement, or what is wrong. */
function readStatement(
  bytes: Uint8Array,
): { predicateType: string; subject: { name?: string; sha256?: string } } | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return "the signed statement is not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "the signed statement is not a JSON object";
  }
  const statement = value as Record<string, unknown>;
  if (statement._type !== IN_TOTO_STATEMENT_V1) {
    return `the signed statement is not an in-toto v1 statement (_type ${
      clip(String(statement._type))
    })`;
  }
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    return "the signed statement must name exactly one subject";
  }
  const subject = subjects[0] as Record<string, unknown> | null;
  const digest = typeof subject === "object" && subject !== null ? subject.digest : undefined;
  const sha256 = typeof digest === "object" && digest !== null
    ? (digest as Record<string, unknown>).sha256
    : undefined;
  return {
    predicateType: typeof statement.predicateType === "string" ? statement.predicateType : "",
    subject: {
      ...(typeof subject?.name === "string" ? { name: subject.name } : {}),
      ...(typeof sha256 === "string" ? { sha256 } : {}),
    },
  };
}

/**
 * Whether a statement's subject names the same distribution file: exact, or equal once the
 * project-name part is normalised the way wheel and sdist names allow (`Foo.Bar` / `foo_bar`).
 */
function sameDistribution(subject: string, filename: string): boolean {
  if (subject === filename) return true;
  const fold = (name: string) => {
    const dash = name.indexOf("-");
    return dash < 0
      ? name.toLowerCase()
      : name.slice(0, dash).toLowerCase().replace(/[-_.]+/g, "_") + name.slice(dash).toLowerCase();
  };
  return fold(subject) === fold(filename);
}

/** Issuer, SAN, and the source repository a CI issuer binds, from a verified signer. */
function signerOf(signer: Signer): AttestationSigner {
  const identity = signer.identity ?? {};
  const extension = (oid: string) => {
    const pair = identity.oids?.find((p) => p.oid?.id.join(".") === oid);
    return pair ? utf8Value(pair.value) : undefined;
  };
  const issuer = identity.extensions?.issuer;
  const san = identity.subjectAlternativeName;
  const buildConfig = extension(OID_BUILD_CONFIG_URI);
  const host = issuer === undefined ? undefined : CI_ISSUERS[issuer];
  const sourceRepository = extension(OID_SOURCE_REPOSITORY_URI);
  const repository = host === undefined ? undefined : repositoryFromUri(sourceRepository, host);
  const repositoryProblem = host === undefined || repository !== undefined
    ? undefined
    : sourceRepository === undefined
    ? `its certificate has no Source Repository URI (Fulcio extension ${OID_SOURCE_REPOSITORY_URI})`
    : `its certificate's Source Repository URI ${
      clip(sourceRepository)
    } is no repository on ${host}`;
  return {
    ...(issuer === undefined ? {} : { issuer }),
    ...(san === undefined ? {} : { identity: san }),
    ...(repository === undefined ? {} : { repository }),
    ...(repositoryProblem === undefined ? {} : { repositoryProblem }),
    ...(buildConfig === undefined ? {} : { buildConfig }),
  };
}

/**
 * `host/owner/repo` from a Source Repository URI on `host` (tolerating a workflow path after it:
 * `/.github/workflows/…` on GitHub, `//path@ref` on GitLab).
 */
function repositoryFromUri(uri: string | undefined, host: string): string | undefined {
  if (uri === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.host.toLowerCase() !== host) return undefined;
  let path = url.pathname.split("@")[0];
  if (host === "github.com") path = path.split("/").slice(0, 3).join("/");
  else path = path.split("//")[0];
  path = path.replace(/\/+$/, "").replace(/\.git$/, "");
  return path.split("/").filter(Boolean).length >= 2 ? `${host}${path}`.toLowerCase() : undefined;
}

/** A Fulcio extension value: a DER UTF8String (v2 extensions) or raw text (v1). */
function utf8Value(value: Uint8Array | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  let bytes = value;
  if (value[0] === 0x0c && value.length >= 2) {
    const first = value[1];
    const [length, start] = first < 0x80
      ? [first, 2]
      : first === 0x81 && value.length >= 3
      ? [value[2], 3]
      : first === 0x82 && value.length >= 4
      ? [(value[2] << 8) | value[3], 4]
      : [-1, 0];
    if (length >= 0 && start + length === value.length) bytes = value.subarray(start);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return clip(String(error), 300);
  const code = (error as { code?: unknown }).code;
  const fields = (error as { fields?: unknown }).fields;
  const cause = (error as { cause?: unknown }).cause;
  let text = error.message;
  if (Array.isArray(fields) && fields.length > 0) text += ` (${fields.slice(0, 5).join(", ")})`;
  if (cause instanceof Error && cause.message) text += `: ${cause.message}`;
  if (typeof code === "string") text = `${code}: ${text}`;
  return clip(text, 300);
}

function clip(text: string, max = 100): string {
  const clean = text.replace(/[^ -~]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
