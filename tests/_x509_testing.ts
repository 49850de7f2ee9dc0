/**
 * Certificate chains minted with the `openssl` command for the OMS certificate-method tests: a
 * temporary folder of EC P-256 keys and certificates with the extension lines a test asks for,
 * `openssl verify` as an independent judge, and OMS bundles signed by a minted leaf. Test-only.
 *
 * @module
 */
import { buildOmsStatement, signOmsBundle } from "../verify/_oms_sign.ts";

/** A minted certificate (PEM) and its private key (PKCS#8 PEM). */
export interface MintedCertificate {
  pem: string;
  key: string;
}

/** CA extension lines without a path length constraint. */
export const CA_EXTENSIONS: readonly string[] = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign",
];

/**
 * A temporary folder where `openssl` mints roots and certificates; remove it with `dispose()`.
 *
 * @example
 * ```ts ignore
 * const pki = new OpensslPki();
 * try {
 *   const root = await pki.root("test-root", CA_EXTENSIONS);
 *   const leaf = await pki.issue({ name: "test-leaf", issuer: "test-root", extensions: [] });
 * } finally {
 *   pki.dispose();
 * }
 * ```
 */
export class OpensslPki {
  /** The folder holding `<name>.pem` and `<name>.key` for every certificate minted. */
  readonly dir: string = Deno.makeTempDirSync({ prefix: "tollgate-x509-" });

  /**
   * A self-signed CA certificate `CN=<name>` with the given `-addext` extension lines.
   *
   * @returns Its PEM (the key stays in the folder, for `issue`).
   */
  async root(name: string, extensions: readonly string[]): Promise<string> {
    await this.#openssl([
      "req",
      "-x509",
      ...newKey(name, name),
      "-out",
      `${name}.pem`,
      "-days",
      "3650",
      ...extensions.flatMap((extension) => ["-addext", extension]),
    ]);
    return Deno.readTextFileSync(`${this.dir}/${name}.pem`);
  }

  /**
   * A certificate for a new key, issued by the certificate minted as `issuer`, with the given
   * extension lines (`openssl x509 -extfile` syntax). `subject` is the CN, `name` by default.
   *
   * @returns The certificate and its key, both PEM.
   */
  async issue(options: {
    name: string;
    issuer: string;
    extensions: readonly string[];
    subject?: string;
  }): Promise<MintedCertificate> {
    const { name, issuer } = options;
    await this.#openssl([
      "req",
      "-new",
      ...newKey(name, options.subject ?? name),
      "-out",
      `${name}.csr`,
    ]);
    Deno.writeTextFileSync(`${this.dir}/${name}.ext`, options.extensions.join("\n") + "\n");
    await this.#openssl([
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${issuer}.pem`,
      "-CAkey",
      `${issuer}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "365",
      "-extfile",
      `${name}.ext`,
    ]);
    return {
      pem: Deno.readTextFileSync(`${this.dir}/${name}.pem`),
      key: Deno.readTextFileSync(`${this.dir}/${name}.key`),
    };
  }

  /**
   * What `openssl verify` says of `leaf` (a name) with the trusted `root` and the untrusted
   * intermediates (names): an independent judge for the path rules.
   *
   * @returns Whether it verifies, and OpenSSL's output.
   */
  async opensslVerifies(
    options: { root: string; intermediates: readonly string[]; leaf: string },
  ): Promise<{ ok: boolean; output: string }> {
    const untrusted = options.intermediates.map((name) => `${name}.pem`);
    const bundle = `${this.dir}/untrusted-${options.leaf}.pem`;
    Deno.writeTextFileSync(
      bundle,
      untrusted.map((file) => Deno.readTextFileSync(`${this.dir}/${file}`)).join(""),
    );
    const args = ["verify", "-CAfile", `${options.root}.pem`];
    if (untrusted.length > 0) args.push("-untrusted", bundle);
    const out = await new Deno.Command("openssl", {
      args: [...args, `${options.leaf}.pem`],
      cwd: this.dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { ok: out.success, output: decode(out.stdout) + decode(out.stderr) };
  }

  /** Remove the folder. */
  dispose(): void {
    Deno.removeSync(this.dir, { recursive: true });
  }

  async #openssl(args: string[]): Promise<void> {
    const out = await new Deno.Command("openssl", {
      args,
      cwd: this.dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
    }
  }
}

/** `openssl req` arguments for a new EC P-256 key in `<name>.key` and the subject CN=subject. */
function newKey(name: string, subject: string): string[] {
  const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  return [...curve, "-keyout", `${name}.key`, "-subj", `/CN=${subject}`];
}

/**
 * The base64 DER inside a PEM certificate.
 *
 * @example
 * ```ts
 * import { derOf } from "./_x509_testing.ts";
 * derOf("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"); // "MAA="
 * ```
 */
export function derOf(certificatePem: string): string {
  return certificatePem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/**
 * An OMS bundle of a one-file model signed with `key`, carrying `chain` (PEM certificates, leaf
 * first) as its x509 certificate chain.
 *
 * @example
 * ```ts ignore
 * const bundle = chainBundle(signer.key, [signer.pem, intermediate.pem]);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function chainBundle(key: string, chain: readonly string[]): any {
  // deno-lint-ignore no-explicit-any
  const bundle: any = signOmsBundle({
    statement: buildOmsStatement({
      modelName: "m",
      method: "files",
      resources: [{ name: "w.bin", digest: "cd".repeat(32) }],
    }),
    privateKeyPem: key,
  });
  bundle.verificationMaterial = {
    x509CertificateChain: { certificates: chain.map((pem) => ({ rawBytes: derOf(pem) })) },
  };
  return bundle;
}
