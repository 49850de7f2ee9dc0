import { packageAttested } from "../../../checks/signature/package_attested.ts";
import type { Package, RegistryData } from "../../../core/snapshot.ts";
import { pkg, snapshotOf } from "../../../testing.ts";
import {
  type AttestOptions,
  type Pep740Attestation,
  sha256Hex,
  TestSigstore,
} from "../../_sigstore_testing.ts";

export const sigstore = new TestSigstore();

export const root = sigstore.trustedRoot();

export const WHEEL = "widgets-1.0.0-py3-none-any.whl";

export const SDIST = "widgets-1.0.0.tar.gz";

export const WHEEL_SHA = sha256Hex(new TextEncoder().encode("wheel bytes"));

export const SDIST_SHA = sha256Hex(new TextEncoder().encode("sdist bytes"));

export const pypi: RegistryData["pypi"] = [{
  name: "widgets",
  found: true,
  releases: [{
    version: "1.0.0",
    yanked: false,
    files: [{ filename: WHEEL, sha256: WHEEL_SHA }, { filename: SDIST, sha256: SDIST_SHA }],
  }],
}];

export const pinned = (hashes = [WHEEL_SHA]): Package =>
  pkg("widgets==1.0.0", { hashes: hashes.map((h) => `sha256:${h}`) });

export const attest = (over: Partial<AttestOptions> = {}): Pep740Attestation =>
  sigstore.attest({ filename: WHEEL, sha256: WHEEL_SHA, ...over });

export function snapshotWith(provenance: unknown, packages = [pinned()]) {
  return snapshotOf({
    packages,
    registry: {
      pypi,
      advisories: [],
      hub: [],
      provenance: [{
        name: "widgets",
        version: "1.0.0",
        filename: WHEEL,
        sha256: WHEEL_SHA,
        url: `https://pypi.org/integrity/widgets/1.0.0/${WHEEL}/provenance`,
        provenance,
      }],
    },
  });
}

export const check = (over: Record<string, unknown> = {}) =>
  packageAttested({
    packages: ["widgets"],
    repositories: { widgets: "acme/widgets" },
    trustedRoot: root,
    ...over,
  });
