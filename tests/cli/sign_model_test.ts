import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as path from "node:path";
import { signModel, type SignModelOptions } from "../../cli/sign_model.ts";
import { verifyModel } from "../../cli/verify_model.ts";
import { UsageError } from "../../cli/_errors.ts";
import { collectSignatures } from "../../collect/signatures/signatures.ts";
import { judgeModelSignature } from "../../checks/signature/model_signed.ts";
import { capture, makeKey, makeModel, write } from "./_sign_model.ts";

const conformance = path.resolve(import.meta.dirname!, "../../../shared/conformance/oms");

const referenceDir = path.join(conformance, "v1.1.0-elliptic-key");

const GIT_PATHS = [".git", ".gitattributes", ".github", ".gitignore"];

async function sign(options: SignModelOptions): Promise<{ code: number; stdout: string }> {
  const io = capture();
  const code = await signModel(options, io.io);
  assert.equal(io.stderr(), "");
  return { code, stdout: io.stdout() };
}

/** `verify-model --format json`: the exit code and the verdict with its file lists. */
async function verify(
  model: string,
  pub: string,
  extra: { signature?: string; ignorePaths?: string[] } = {},
) {
  const io = capture();
  const code = await verifyModel({ model, keys: [pub], format: "json", ...extra }, io.io);
  return { code, ...JSON.parse(io.stdout()) };
}

function statementOf(bundle: { dsseEnvelope: { payload: string } }) {
  return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
}

async function readJson(file: string) {
  return JSON.parse(await Deno.readTextFile(file));
}

Deno.test("sign a directory, verify it, then tamper, add and delete files", async () => {
  const root = await Deno.makeTempDir();
  try {
    const model = await makeModel(root);
    const { key, pub } = await makeKey(root, "p256-pkcs8");
    const signed = await sign({ model, key, ignorePaths: ["logs/"] });
    assert.equal(signed.code, 0);
    assert.match(signed.stdout, /: 4 files, /);
    assert.match(signed.stdout, /key {11}ECDSA prime256v1 sha256:[0-9a-f]{64}\n/);
    assert.match(signed.stdout, new RegExp(`signature {5}.*bert/model\\.sig\\n`));
    const privateBody = (await Deno.readTextFile(key)).split("\n")[1];
    assert.ok(!signed.stdout.includes(privateBody), "key material is never printed");

    const statement = statementOf(await readJson(path.join(model, "model.sig")));
    assert.equal(statement.subject[0].name, "bert");
    assert.deepEqual(statement.predicate.resources.map((r: { name: string }) => r.name), [
      "config.json",
      "tokenizer/vocab.txt",
      "weights/model-00001.safetensors",
      "weights/model-00002.safetensors",
    ]);
    assert.deepEqual(statement.predicate.serialization.ignore_paths, [
      "logs",
      "model.sig",
      ...GIT_PATHS,
    ]);
    assert.equal((await verify(model, pub)).verdict, "valid");

    // The check itself, on what the collector records for the project holding the model.
    const collected = await collectSignatures({ root, files: ["bert/model.sig"], hashWorkers: 0 });
    const judged = await judgeModelSignature(collected.signatures[0], {
      trust: {
        publicKeys: [await Deno.readTextFile(pub)],
        certificateAuthorities: [],
        identities: [],
        ignorePaths: [],
      },
      now: new Date(),
    });
    assert.equal(judged.verdict, "valid", judged.message);

    // Files under an ignored path may change or appear.
    await write(path.join(model, "logs", "train.log"), "epoch 2\n");
    await write(path.join(model, "logs", "eval.log"), "ok\n");
    assert.equal((await verify(model, pub)).verdict, "valid");

    const vocab = path.join(model, "tokenizer", "vocab.txt");
    await Deno.writeTextFile(vocab, "[PAD]\n[UNK]\n[EVIL]\n");
    const tampered = await verify(model, pub);
    assert.equal(tampered.code, 1);
    assert.equal(tampered.verdict, "digest-mismatch");
    assert.deepEqual(tampered.files.changed, ["tokenizer/vocab.txt"]);
    await Deno.writeTextFile(vocab, "[PAD]\n[UNK]\n");

    await write(path.join(model, "weights", "extra.bin"), "unsigned");
    const added = await verify(model, pub);
    assert.equal(added.verdict, "unsigned-extra-files");
    assert.deepEqual(added.files.extra, ["weights/extra.bin"]);
    await Deno.remove(path.join(model, "weights", "extra.bin"));

    await Deno.remove(path.join(model, "config.json"));
    const deleted = await verify(model, pub);
    assert.equal(deleted.verdict, "digest-mismatch");
    assert.deepEqual(deleted.files.missing, ["config.json"]);
    await write(path.join(model, "config.json"), '{"hidden_size": 768}\n');
    assert.equal((await verify(model, pub)).verdict, "valid");

    const other = await makeKey(root, "ed25519");
    const wrongKey = await verify(model, other.pub);
    assert.equal(wrongKey.code, 1);
    assert.notEqual(wrongKey.verdict, "valid");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("every supported key type signs what verify-model accepts", async () => {
  const root = await Deno.makeTempDir();
  try {
    const model = await makeModel(root);
    for (const kind of ["p256-pkcs8", "p384-sec1", "p521-pkcs8", "ed25519"] as const) {
      const { key, pub } = await makeKey(root, kind);
      const signature = path.join(root, `${kind}.sig`);
      const signed = await sign({ model, key, output: signature, hashWorkers: 0 });
      assert.equal(signed.code, 0, kind);
      // Outside the model directory, the signature is not among the ignored paths.
      const statement = statementOf(await readJson(signature));
      assert.ok(!statement.predicate.serialization.ignore_paths.includes("model.sig"));
      const result = await verify(model, pub, { signature, ignorePaths: ["logs"] });
      assert.equal(result.verdict, "valid", `${kind}: ${result.message}`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a single-file model is signed as resource '.' named after the file", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = path.join(root, "classifier.onnx");
    await Deno.writeTextFile(file, "onnx bytes");
    await Deno.writeTextFile(path.join(root, "README.md"), "not part of the model");
    const { key, pub } = await makeKey(root, "ed25519");
    const signed = await sign({ model: file, key });
    assert.equal(signed.code, 0);
    assert.match(signed.stdout, /: 1 file, 10 bytes\n/);
    const statement = statementOf(await readJson(path.join(root, "model.sig")));
    assert.equal(statement.subject[0].name, "classifier.onnx");
    assert.deepEqual(statement.predicate.resources.map((r: { name: string }) => r.name), ["."]);
    assert.deepEqual(statement.predicate.serialization.ignore_paths, []);
    assert.equal((await verify(file, pub)).verdict, "valid");

    // The collector finds the single-file model from the signature alone, too.
    const collected = await collectSignatures({ root, files: ["model.sig"], hashWorkers: 0 });
    assert.equal(collected.signatures[0].modelKind, "file");
    assert.equal(collected.signatures[0].modelPath, "classifier.onnx");

    await Deno.writeTextFile(file, "onnx bytes, patched");
    const tampered = await verify(file, pub);
    assert.equal(tampered.verdict, "digest-mismatch");
    assert.deepEqual(tampered.files.changed, ["."]);

    await assert.rejects(
      signModel({ model: file, key, force: true, ignorePaths: ["x"] }, capture().io),
      (e: Error) => e instanceof UsageError && /directories only/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** The JSON shape of a value: key sets and leaf types, arrays by their items' shapes. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(shape(v))))];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return value === null ? "null" : typeof value;
}

Deno.test("the bundle has the reference layout and the reference's digests for the same files", async () => {
  const root = await Deno.makeTempDir();
  try {
    const reference = await readJson(path.join(referenceDir, "model.sig"));
    const referenceStatement = statementOf(reference);
    const { key } = await makeKey(root, "p256-pkcs8");

    // A copy of the reference folder, signed in place (replacing its model.sig), as model_signing
    // was run there: `ignore-me` ignored.
    const copy = path.join(root, "v1.1.0-elliptic-key");
    await Deno.mkdir(copy);
    for await (const entry of Deno.readDir(referenceDir)) {
      await Deno.writeFile(
        path.join(copy, entry.name),
        await Deno.readFile(path.join(referenceDir, entry.name)),
      );
    }
    await assert.rejects(
      signModel({ model: copy, key, ignorePaths: ["ignore-me"] }, capture().io),
      (e: Error) =>
        e instanceof UsageError && /model\.sig already exists; pass --force/.test(e.message),
    );
    assert.deepEqual(await readJson(path.join(copy, "model.sig")), reference, "left untouched");
    assert.equal(
      (await sign({ model: copy, key, ignorePaths: ["ignore-me"], force: true })).code,
      0,
    );
    const ours = await readJson(path.join(copy, "model.sig"));
    const statement = statementOf(ours);

    assert.deepEqual(shape(ours), shape(reference));
    assert.equal(ours.mediaType, reference.mediaType);
    assert.equal(ours.dsseEnvelope.payloadType, reference.dsseEnvelope.payloadType);
    assert.deepEqual(ours.verificationMaterial.tlogEntries, []);
    assert.match(ours.verificationMaterial.publicKey.hint, /^[0-9a-f]{64}$/);
    assert.deepEqual(shape(statement), shape(referenceStatement));
    assert.equal(statement._type, referenceStatement._type);
    assert.equal(statement.predicateType, referenceStatement.predicateType);
    // Digests do not depend on the key: same files, same resources and subject digest.
    assert.deepEqual(statement.predicate.resources, referenceStatement.predicate.resources);
    assert.deepEqual(statement.subject, referenceStatement.subject);
    const { ignore_paths: ignored, ...serialization } = statement.predicate.serialization;
    const { ignore_paths: referenceIgnored, ...referenceSerialization } =
      referenceStatement.predicate.serialization;
    assert.deepEqual(serialization, referenceSerialization);
    assert.deepEqual([...ignored].sort(), [...referenceIgnored].sort());

    // Signing the read-only reference folder itself, with the signature written elsewhere.
    const outside = path.join(root, "reference.sig");
    const signed = await sign({
      model: referenceDir,
      key,
      output: outside,
      ignorePaths: ["ignore-me", "model.sig"],
    });
    assert.equal(signed.code, 0);
    const again = statementOf(await readJson(outside));
    assert.deepEqual(again.predicate.resources, referenceStatement.predicate.resources);
    assert.equal(again.subject[0].digest.sha256, referenceStatement.subject[0].digest.sha256);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("refuses to overwrite, and --force replaces atomically with nothing left behind", async () => {
  const root = await Deno.makeTempDir();
  try {
    const model = await makeModel(root);
    const { key, pub } = await makeKey(root, "p256-pkcs8");
    const signature = path.join(model, "model.sig");
    await Deno.writeTextFile(signature, "an older signature");
    await assert.rejects(
      signModel({ model, key }, capture().io),
      (e: Error) => e instanceof UsageError && /already exists; pass --force/.test(e.message),
    );
    assert.equal(await Deno.readTextFile(signature), "an older signature");
    assert.equal((await sign({ model, key, force: true, ignorePaths: ["logs"] })).code, 0);
    assert.equal((await verify(model, pub)).verdict, "valid");
    const names = (await Array.fromAsync(Deno.readDir(model))).map((e) => e.name).sort();
    assert.deepEqual(names, [
      ".git",
      ".gitattributes",
      "config.json",
      "logs",
      "model.sig",
      "tokenizer",
      "weights",
    ]);

    await Deno.mkdir(path.join(root, "sig-dir"));
    await assert.rejects(
      signModel({ model, key, output: path.join(root, "sig-dir"), force: true }, capture().io),
      (e: Error) => e instanceof UsageError && /is a directory/.test(e.message),
    );
    await assert.rejects(
      signModel({ model, key, output: path.join(root, "nowhere", "model.sig") }, capture().io),
      (e: Error) => e instanceof UsageError && /directory .*nowhere does not exist/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("symlinks, FIFOs, missing and empty models are refused; ignored symlinks are fine", async () => {
  const root = await Deno.makeTempDir();
  try {
    const model = await makeModel(root);
    const { key, pub } = await makeKey(root, "ed25519");
    const refused = (options: Partial<SignModelOptions>, why: RegExp) =>
      assert.rejects(
        signModel({ model, key, ...options }, capture().io),
        (e: Error) => e instanceof UsageError && why.test(e.message),
      );

    await Deno.symlink("config.json", path.join(model, "config-link.json"));
    await Deno.symlink("weights", path.join(model, "weights-link"));
    await refused({}, /holds symbolic links: config-link\.json, weights-link; .*allow_symlinks/);
    await refused({ model: path.join(model, "weights-link") }, /is a symbolic link/);
    // Left out by an ignore path, a symlink is neither signed nor refused.
    const signed = await sign({
      model,
      key,
      ignorePaths: ["config-link.json", "weights-link", "logs"],
    });
    assert.equal(signed.code, 0);
    assert.equal((await verify(model, pub)).verdict, "valid");
    await Deno.remove(path.join(model, "config-link.json"));
    await Deno.remove(path.join(model, "weights-link"));

    const fifo = path.join(model, "pipe");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(made.success);
    await refused({ force: true }, /not regular files \(FIFO, device or socket\): pipe/);
    await refused({ model: fifo }, /not a regular file or directory/);
    await Deno.remove(fifo);

    await refused({ model: path.join(root, "no-such-model") }, /no-such-model: no such file/);
    await Deno.mkdir(path.join(root, "empty", ".git"), { recursive: true });
    await refused({ model: path.join(root, "empty") }, /holds no regular file to sign/);
    await refused({ ignorePaths: ["../elsewhere"], force: true }, /outside the model directory/);
    await refused({ ignorePaths: ["./"], force: true }, /whole model/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
