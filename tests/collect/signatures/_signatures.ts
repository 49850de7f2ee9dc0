import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Signature } from "../../../core/snapshot.ts";

export const conformance = new URL("../../../../shared/conformance/oms/", import.meta.url).pathname;

export const MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

export async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** sha256sum's digest of a file: an independent reference. */
export async function sha256sum(file: string): Promise<string> {
  return (await run("sha256sum", ["--", file])).split(" ")[0];
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Base64 of the UTF-8 bytes of `text`, as DSSE payloads are written. */
export function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A Sigstore-bundle-shaped JSON around an (unsigned) in-toto statement. */
export function bundleWith(statement: unknown): string {
  return JSON.stringify({
    mediaType: MEDIA_TYPE,
    verificationMaterial: {},
    dsseEnvelope: {
      payload: base64(JSON.stringify(statement)),
      payloadType: "application/vnd.in-toto+json",
      signatures: [],
    },
  });
}

export async function tempProject(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tollgate-signatures-" });
}

export async function write(
  root: string,
  relative: string,
  content: string | Uint8Array,
): Promise<void> {
  const file = path.join(root, relative);
  await Deno.mkdir(path.dirname(file), { recursive: true });
  if (typeof content === "string") await Deno.writeTextFile(file, content);
  else await Deno.writeFile(file, content);
}

export function byPath(signatures: Signature[], file: string): Signature {
  const found = signatures.find((s) => s.path === file);
  assert.ok(found, `no signature ${file} in ${signatures.map((s) => s.path).join(", ")}`);
  return found;
}
