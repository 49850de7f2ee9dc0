/**
 * `signature.model-signed` and `tollgate verify-model` against signatures made by the real
 * `model_signing` tool, v0.2.0 to v1.1.0 (../shared/conformance/oms): every folder verifies with
 * the right trust, and every tampering fails with the right verdict.
 */
import { deepStrictEqual, match } from "node:assert/strict";
import * as path from "node:path";
import { createHash, generateKeyPairSync } from "node:crypto";
import { buildOmsStatement, signOmsBundle } from "../../../verify/_oms_sign.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import {
  judgeModelSignature,
  ModelSignatureTrust,
  modelSigned,
} from "../../../checks/signature/model_signed.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";
import { tollgate } from "../../_cli.ts";

const OMS = path.resolve(import.meta.dirname!, "../../../../shared/conformance/oms");
const KEYS = path.join(OMS, "keys");
const read = (name: string) => Deno.readTextFileSync(path.join(KEYS, name));
const IDENTITY = {
  identity: "stefanb@us.ibm.com",
  issuer: "https://sigstore.verify.ibm.com/oauth2",
};
/** A time inside the certificate chain's validity (2025-05-02 to 2035-04-30). */
const NOW = new Date("2026-01-15T12:00:00Z");

type Method = "elliptic-key" | "certificate" | "sigstore";
const FOLDERS = [...Deno.readDirSync(OMS)].filter((e) => e.isDirectory && e.name.startsWith("v"))
  .map((e) => e.name).sort();

function methodOf(folder: string): Method {
  return folder.endsWith("elliptic-key")
    ? "elliptic-key"
    : folder.endsWith("certificate")
    ? "certificate"
    : "sigstore";
}

function trustFor(method: Method, ignorePaths: string[] = [], otherKey?: string) {
  return ModelSignatureTrust.parse({
    publicKeys: method === "elliptic-key" ? [otherKey ?? read("signing-key-pub.pem")] : [],
    certificateAuthorities: method === "certificate" ? [otherKey ?? read("ca-cert.pem")] : [],
    identities: method === "sigstore" ? [IDENTITY] : [],
    ignorePaths,
  });
}

/** Folders v0.3.1 and v1.0.0 of the key method signed the single file signme-1. */
const singleFile = (folder: string) =>
  folder === "v0.3.1-elliptic-key" || folder === "v1.0.0-elliptic-key";
const needsIgnore = (folder: string) => /^v1\.(0\.1|1\.0)-/.test(folder);

async function copyFolder(folder: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-oms-" });
  await Deno.mkdir(path.join(dir, folder));
  for (const entry of Deno.readDirSync(path.join(OMS, folder))) {
    await Deno.copyFile(path.join(OMS, folder, entry.name), path.join(dir, folder, entry.name));
    await Deno.chmod(path.join(dir, folder, entry.name), 0o644);
  }
  return dir;
}

async function judge(
  root: string,
  folder: string,
  options: { ignore?: boolean; otherKey?: string } = {},
) {
  const model = singleFile(folder) ? `${folder}/signme-1` : folder;
  const { signatures, problems } = await collectSignatures({
    root,
    files: [],
    specs: [{ signature: `${folder}/model.sig`, model }],
  });
  deepStrictEqual(problems, []);
  const ignore = options.ignore ?? needsIgnore(folder) ? ["ignore-me"] : [];
  return await judgeModelSignature(signatures[0], {
    trust: trustFor(methodOf(folder), ignore, options.otherKey),
    now: NOW,
  });
}

Deno.test("every conformance folder verifies with its key, CA or Sigstore identity", async () => {
  deepStrictEqual(FOLDERS.length, 13);
  for (const folder of FOLDERS) {
    const result = await judge(OMS, folder);
    deepStrictEqual([folder, result.verdict], [folder, "valid"], result.message);
  }
});

Deno.test("the files are collected as model_signing laid them out", async () => {
  const { signatures } = await collectSignatures({
    root: OMS,
    files: FOLDERS.map((f) => `${f}/model.sig`),
  });
  const byPath = new Map(signatures.map((s) => [s.path, s]));
  const single = byPath.get("v1.0.0-elliptic-key/model.sig")!;
  deepStrictEqual([single.modelPath, single.modelKind], ["v1.0.0-elliptic-key/signme-1", "file"]);
  const folder = byPath.get("v1.1.0-certificate/model.sig")!;
  deepStrictEqual(folder.files.map((f) => f.path), [
    "ignore-me",
    "model.sig",
    "signme-1",
    "signme-2",
  ]);
});

Deno.test("a changed byte in a signed file is a digest mismatch naming the file", async () => {
  for (const folder of ["v0.2.0-certificate", "v1.1.0-elliptic-key", "v1.0.1-sigstore"]) {
    const root = await copyFolder(folder);
    const file = path.join(root, folder, "signme-1");
    const bytes = await Deno.readFile(file);
    bytes[0] ^= 1;
    await Deno.writeFile(file, bytes);
    const result = await judge(root, folder);
    deepStrictEqual(result.verdict, "digest-mismatch", folder);
    match(result.message, /signme-1 changed/);
  }
});

Deno.test("a deleted signed file is a digest mismatch naming it", async () => {
  for (const folder of ["v1.0.0-certificate", "v1.1.0-elliptic-key", "v1.1.0-sigstore"]) {
    const root = await copyFolder(folder);
    await Deno.remove(path.join(root, folder, "signme-2"));
    const result = await judge(root, folder);
    deepStrictEqual(result.verdict, "digest-mismatch", folder);
    match(result.message, /signme-2 is missing/);
  }
});

Deno.test("an added unsigned file fails unless ignored", async () => {
  for (const folder of ["v0.3.1-certificate", "v1.0.1-elliptic-key", "v1.0.0-sigstore"]) {
    const root = await copyFolder(folder);
    await Deno.writeTextFile(path.join(root, folder, "backdoor.py"), "import os\n");
    const result = await judge(root, folder);
    deepStrictEqual(result.verdict, "unsigned-extra-files", folder);
    match(result.message, /backdoor\.py/);
  }
  // The ignore-me file of v1.0.1/v1.1.0 was left out when signing: without --ignore-paths it is
  // an unsigned extra file, as the reference tool says.
  const result = await judge(OMS, "v1.0.1-certificate", { ignore: false });
  deepStrictEqual(result.verdict, "unsigned-extra-files");
  match(result.message, /ignore-me/);
});

Deno.test("another key or CA is an untrusted signer", async () => {
  const dir = await Deno.makeTempDir();
  const run = (args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stderr: "null", stdout: "null" }).output();
  await run(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "k.pem"]);
  await run(["ec", "-in", "k.pem", "-pubout", "-out", "k.pub"]);
  await run([
    ..."req -x509 -new -key k.pem -days 30 -subj /CN=other-ca -out ca.pem".split(" "),
  ]);
  const otherKey = await Deno.readTextFile(path.join(dir, "k.pub"));
  const otherCa = await Deno.readTextFile(path.join(dir, "ca.pem"));
  for (const folder of ["v0.3.1-elliptic-key", "v1.1.0-elliptic-key"]) {
    const result = await judge(OMS, folder, { otherKey });
    deepStrictEqual(result.verdict, "untrusted-signer", folder);
  }
  for (const folder of ["v0.2.0-certificate", "v1.1.0-certificate"]) {
    const result = await judge(OMS, folder, { otherKey: otherCa });
    deepStrictEqual(result.verdict, "untrusted-signer", folder);
  }
});

Deno.test("a flipped bit in the signed statement is a bad signature", async () => {
  const folder = "v1.1.0-elliptic-key";
  const root = await copyFolder(folder);
  const file = path.join(root, folder, "model.sig");
  const bundle = JSON.parse(await Deno.readTextFile(file));
  const payload = atob(bundle.dsseEnvelope.payload).replace("signme-1", "signme-X");
  bundle.dsseEnvelope.payload = btoa(payload);
  await Deno.writeTextFile(file, JSON.stringify(bundle));
  const result = await judge(root, folder);
  deepStrictEqual(result.verdict, "bad-signature");
});

Deno.test("verify-model: exit 0 valid, 1 invalid with the verdict, 2 usage, JSON output", async () => {
  const valid = await tollgate([
    "verify-model",
    "v1.1.0-sigstore",
    "--identity",
    IDENTITY.identity,
    "--issuer",
    IDENTITY.issuer,
    "--ignore-paths",
    "ignore-me",
  ], { cwd: OMS });
  deepStrictEqual(valid.code, 0, valid.stderr);
  match(valid.stdout, /^VALID {2}v1\.1\.0-sigstore/);

  const single = await tollgate([
    "verify-model",
    "v1.0.0-elliptic-key/signme-1",
    "--signature",
    "v1.0.0-elliptic-key/model.sig",
    "--key",
    "keys/signing-key-pub.pem",
  ], { cwd: OMS });
  deepStrictEqual(single.code, 0, single.stdout + single.stderr);

  const extra = await tollgate(
    ["verify-model", "v1.0.1-certificate", "--cert-chain", "keys/ca-cert.pem", "--format", "json"],
    { cwd: OMS },
  );
  deepStrictEqual(extra.code, 1);
  const json = JSON.parse(extra.stdout);
  deepStrictEqual([json.verdict, json.files.extra], ["unsigned-extra-files", ["ignore-me"]]);

  const noTrust = await tollgate(["verify-model", "v1.1.0-certificate"], { cwd: OMS });
  deepStrictEqual(noTrust.code, 2);
  match(noTrust.stderr, /say whom to trust/);
  const unpaired = await tollgate(
    ["verify-model", "v1.1.0-sigstore", "--identity", IDENTITY.identity],
    { cwd: OMS },
  );
  deepStrictEqual(unpaired.code, 2);

  // A pinned trusted root without the Rekor log the bundle was logged in: exit 3, naming it.
  const root = JSON.parse(
    await Deno.readTextFile(
      path.resolve(import.meta.dirname!, "../../../data/sigstore_trusted_root.json"),
    ),
  );
  root.tlogs = [];
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(path.join(dir, "root.json"), JSON.stringify(root));
  const incomplete = await tollgate([
    "verify-model",
    "v1.0.0-sigstore",
    "--identity",
    IDENTITY.identity,
    "--issuer",
    IDENTITY.issuer,
    "--trusted-root",
    path.join(dir, "root.json"),
  ], { cwd: OMS });
  deepStrictEqual(incomplete.code, 3, incomplete.stdout + incomplete.stderr);
  match(incomplete.stdout, /^INCOMPLETE/);
  match(incomplete.stdout, /log/i);
});

Deno.test("the check: a signed model passes, a tampered one fails, and deleting model.sig does not turn that into a warning", async () => {
  const folder = "v1.1.0-elliptic-key";
  const root = await copyFolder(folder);
  const weights = `${folder}/signme-1`;
  const snapshotFor = async () => {
    // As the tree walk would: model.sig is listed only while it exists.
    const sig = `${folder}/model.sig`;
    const exists = await Deno.stat(path.join(root, sig)).then(() => true, () => false);
    const { signatures } = await collectSignatures({ root, files: exists ? [sig] : [] });
    return snapshotOf({
      artifacts: [{
        path: weights,
        format: "safetensors",
        size: 9,
        globals: [],
        embedded: [],
        issues: [],
      }],
      signatures,
    });
  };
  const trusted = modelSigned({
    publicKeys: [read("signing-key-pub.pem")],
    ignorePaths: ["ignore-me"],
  });
  deepStrictEqual(await runCheck(trusted, await snapshotFor(), { now: NOW }), []);
  await Deno.writeTextFile(path.join(root, weights), "tampered");
  const [tampered] = await runCheck(trusted, await snapshotFor(), { now: NOW });
  deepStrictEqual([tampered.severity, tampered.evidence?.verdict], ["error", "digest-mismatch"]);
  await Deno.remove(path.join(root, folder, "model.sig"));
  const [unsigned] = await runCheck(trusted, await snapshotFor(), { now: NOW });
  deepStrictEqual([unsigned.severity, unsigned.evidence?.verdict], ["error", "unsigned"]);
  // Without any trust configured, an unsigned model is a warning (the policy has not opted in).
  const [lenient] = await runCheck(modelSigned({}), await snapshotFor(), { now: NOW });
  deepStrictEqual(lenient.severity, "warning");
});

Deno.test("a 'shards' signature: signed range by range, collected range by range, judged valid; a changed byte or a grown file is named", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const root = await Deno.makeTempDir({ prefix: "tollgate-shards-" });
  const files: Record<string, string> = { "w.bin": "0123456789", "cfg.json": "{}" };
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(path.join(root, name), text);
  }
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const resources = Object.entries(files).flatMap(([name, text]) =>
    Array.from({ length: Math.ceil(text.length / 4) }, (_, i) => ({
      name,
      start: i * 4,
      end: Math.min(text.length, i * 4 + 4),
      digest: sha(text.slice(i * 4, i * 4 + 4)),
    }))
  );
  const statement = buildOmsStatement({
    modelName: "m",
    method: "shards",
    shardSize: 4,
    resources,
  });
  const bundle = signOmsBundle({
    statement,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  });
  await Deno.writeTextFile(path.join(root, "model.sig"), JSON.stringify(bundle));
  const trust = ModelSignatureTrust.parse({
    publicKeys: [publicKey.export({ type: "spki", format: "pem" }) as string],
  });
  const judgeShards = async () => {
    const { signatures } = await collectSignatures({ root, files: ["model.sig"] });
    return await judgeModelSignature(signatures[0], { trust, now: NOW });
  };
  deepStrictEqual((await judgeShards()).verdict, "valid");
  await Deno.writeTextFile(path.join(root, "w.bin"), "0123X56789");
  const changed = await judgeShards();
  deepStrictEqual(changed.verdict, "digest-mismatch");
  match(changed.message, /w\.bin changed/);
  await Deno.writeTextFile(path.join(root, "w.bin"), "0123456789AB");
  deepStrictEqual((await judgeShards()).verdict, "digest-mismatch");
});
