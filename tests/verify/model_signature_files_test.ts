import { deepStrictEqual } from "node:assert/strict";
import fc from "fast-check";
import {
  compareSignedFiles,
  normaliseIgnorePath,
  type SignedManifest,
} from "../../verify/_model_signature_files.ts";
import type { Signature, SignedFile } from "../../core/snapshot.ts";

function signature(files: SignedFile[], modelPath = "m"): Signature {
  return {
    path: `${modelPath}/model.sig`,
    format: "application/vnd.dev.sigstore.bundle.v0.3+json",
    modelPath,
    modelKind: "directory",
    bundle: {},
    files: [{ path: "model.sig", kind: "file", size: 10, sha256: "51" }, ...files],
    truncated: false,
    issues: [],
  };
}

const manifest = (over: Partial<SignedManifest> = {}): SignedManifest => ({
  method: "files",
  allowSymlinks: false,
  ignorePaths: [],
  resources: [{ name: "a.bin", digest: "AA" }, { name: "d/b.bin", digest: "bb" }],
  ...over,
});

const file = (path: string, sha256: string): SignedFile => ({
  path,
  kind: "file",
  size: 1,
  sha256,
});
const empty = { changed: [], missing: [], extra: [], symlinks: [], unreadable: [] };

Deno.test("matching files, the signature file and git's files are fine", () => {
  const sig = signature([
    file("a.bin", "aa"),
    file("d/b.bin", "bb"),
    file(".gitattributes", "00"),
    file(".git/config", "01"),
  ]);
  deepStrictEqual(
    compareSignedFiles({ manifest: manifest(), signature: sig, ignorePaths: [] }),
    empty,
  );
});

Deno.test("changed, missing and extra files are named", () => {
  const sig = signature([file("a.bin", "ff"), file("new.py", "11")]);
  deepStrictEqual(compareSignedFiles({ manifest: manifest(), signature: sig, ignorePaths: [] }), {
    ...empty,
    changed: ["a.bin"],
    missing: ["d/b.bin"],
    extra: ["new.py"],
  });
});

Deno.test("ignore paths excuse unsigned files (files and whole directories) but never a signed one", () => {
  const sig = signature([
    file("a.bin", "ff"),
    file("d/b.bin", "bb"),
    file("logs/x", "1"),
    file("ignore-me", "2"),
  ]);
  const result = compareSignedFiles({
    manifest: manifest({ ignorePaths: ["ignore-me"] }),
    signature: sig,
    ignorePaths: ["./logs/", "a.bin"],
  });
  deepStrictEqual(result, { ...empty, changed: ["a.bin"] });
});

Deno.test("symlinks fail unless the signature allows them; other file kinds are never accepted", () => {
  const link: SignedFile = { path: "a.bin", kind: "symlink", size: 1, sha256: "aa" };
  const fifo: SignedFile = { path: "pipe", kind: "other" };
  const sig = signature([link, file("d/b.bin", "bb"), fifo]);
  deepStrictEqual(compareSignedFiles({ manifest: manifest(), signature: sig, ignorePaths: [] }), {
    ...empty,
    symlinks: ["a.bin"],
    extra: ["pipe (not a regular file)"],
  });
  const allowed = compareSignedFiles({
    manifest: manifest({ allowSymlinks: true }),
    signature: sig,
    ignorePaths: ["pipe"],
  });
  deepStrictEqual(allowed, empty);
});

Deno.test("unreadable signed files are reported, not passed", () => {
  const sig = signature([
    { path: "a.bin", kind: "file", error: "permission denied" },
    file("d/b.bin", "bb"),
  ]);
  deepStrictEqual(compareSignedFiles({ manifest: manifest(), signature: sig, ignorePaths: [] }), {
    ...empty,
    unreadable: ["a.bin (permission denied)"],
  });
});

Deno.test("shards compare range by range", () => {
  const shards = manifest({
    method: "shards",
    resources: [
      { name: "w", start: 0, end: 4, digest: "s0" },
      { name: "w", start: 4, end: 6, digest: "s1" },
    ],
  });
  const good: SignedFile = {
    path: "w",
    kind: "file",
    size: 6,
    shards: [{ start: 0, end: 4, sha256: "s0" }, { start: 4, end: 6, sha256: "s1" }],
  };
  deepStrictEqual(
    compareSignedFiles({ manifest: shards, signature: signature([good]), ignorePaths: [] }),
    empty,
  );
  const grown: SignedFile = {
    ...good,
    shards: [...good.shards!, { start: 6, end: 7, sha256: "s2" }],
  };
  deepStrictEqual(
    compareSignedFiles({ manifest: shards, signature: signature([grown]), ignorePaths: [] })
      .changed,
    ["w"],
  );
});

Deno.test("a single-file model is the entry '.'", () => {
  const sig: Signature = {
    ...signature([]),
    path: "signme.sig",
    modelPath: "signme",
    modelKind: "file",
    files: [file(".", "aa")],
  };
  const single = manifest({ resources: [{ name: ".", digest: "aa" }] });
  deepStrictEqual(compareSignedFiles({ manifest: single, signature: sig, ignorePaths: [] }), empty);
});

Deno.test("normaliseIgnorePath is idempotent and never leaves ./ or a trailing /", () => {
  fc.assert(fc.property(fc.string(), (raw) => {
    const once = normaliseIgnorePath(raw);
    deepStrictEqual(normaliseIgnorePath(once), once);
    deepStrictEqual(once.startsWith("./"), false);
    deepStrictEqual(once.length > 1 && once.endsWith("/"), false);
  }));
});

Deno.test("shards: an empty file has no shard to sign (model_signing 1.0+), so it is not extra", () => {
  const shards = manifest({ method: "shards", resources: [] });
  const emptyFile: SignedFile = { path: "empty", kind: "file", size: 0, sha256: "e3", shards: [] };
  deepStrictEqual(
    compareSignedFiles({ manifest: shards, signature: signature([emptyFile]), ignorePaths: [] }),
    empty,
  );
});

Deno.test("git's files are left out by default only for signatures that record no ignore paths, and only at the top", () => {
  const files = [
    file("a.bin", "aa"),
    file("d/b.bin", "bb"),
    file(".gitignore", "1"),
    file("sub/.git/x", "2"),
  ];
  deepStrictEqual(
    compareSignedFiles({ manifest: manifest(), signature: signature(files), ignorePaths: [] })
      .extra,
    ["sub/.git/x"],
  );
  const recorded = manifest({ ignorePaths: ["logs"] });
  deepStrictEqual(
    compareSignedFiles({ manifest: recorded, signature: signature(files), ignorePaths: [] }).extra,
    [".gitignore", "sub/.git/x"],
  );
});
