import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { signModel } from "../../cli/sign_model.ts";
import { parseSigningKey } from "../../cli/_signing_key.ts";
import { UsageError } from "../../cli/_errors.ts";
import { capture, makeKey, makeModel, openssl } from "./_sign_model.ts";

Deno.test("bad keys are usage errors naming the file, never quoting it", async () => {
  const root = await Deno.makeTempDir();
  try {
    const model = await makeModel(root);
    const rsa = path.join(root, "rsa.pem");
    await openssl("genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa);
    const rsaTraditional = path.join(root, "rsa-traditional.pem");
    await openssl("pkey", "-in", rsa, "-traditional", "-out", rsaTraditional);
    const k1 = path.join(root, "k1.pem");
    await openssl(
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:secp256k1",
      "-out",
      k1,
    );
    const { key: ed, pub } = await makeKey(root, "ed25519");
    const encrypted = path.join(root, "encrypted.pem");
    await openssl("pkey", "-in", ed, "-aes256", "-passout", "pass:secret", "-out", encrypted);
    const garbage = path.join(root, "garbage.pem");
    await Deno.writeTextFile(
      garbage,
      "-----BEGIN PRIVATE KEY-----\nQUJDRA==\n-----END PRIVATE KEY-----\n",
    );
    const cases: Array<[string, RegExp]> = [
      [path.join(root, "missing.pem"), /no such file/],
      [root, /not a regular file/],
      [pub, /public key or certificate, not the private key/],
      [rsa, /rsa key; OMS key signing takes ECDSA/],
      [rsaTraditional, /an RSA key/],
      [k1, /ECDSA secp256k1 key/],
      [encrypted, /encrypted/],
      [garbage, /does not decode to a private key/],
      [path.join(model, "config.json"), /holds no PEM private key/],
    ];
    for (const [file, why] of cases) {
      await assert.rejects(signModel({ model, key: file }, capture().io), (e: Error) => {
        assert.ok(e instanceof UsageError, `${file}: ${e}`);
        assert.ok(e.message.startsWith(`sign-model: --key ${file}: `), e.message);
        assert.match(e.message, why);
        assert.ok(!e.message.includes("-----BEGIN"));
        return true;
      });
    }
    assert.equal(await Deno.lstat(path.join(model, "model.sig")).catch(() => "none"), "none");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("parseSigningKey: any text is a key or a UsageError naming the file", () => {
  const pemish = fc.oneof(
    fc.string(),
    fc.string().map((s) => `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----\n`),
    fc.base64String().map((s) =>
      `-----BEGIN EC PRIVATE KEY-----\n${s}\n-----END EC PRIVATE KEY-----\n`
    ),
  );
  fc.assert(fc.property(pemish, (text) => {
    try {
      parseSigningKey({ text, file: "k.pem" });
    } catch (error) {
      assert.ok(error instanceof UsageError);
      assert.ok(error.message.startsWith("sign-model: --key k.pem: "));
    }
  }));
});
