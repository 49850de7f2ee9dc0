import * as path from "node:path";

export async function openssl(...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

export type KeyKind = "p256-pkcs8" | "p384-sec1" | "p521-pkcs8" | "ed25519";

/** A private key made by openssl, and its public key, as PEM files in `dir`. */
export async function makeKey(dir: string, kind: KeyKind): Promise<{ key: string; pub: string }> {
  const key = path.join(dir, `${kind}.pem`);
  const pub = path.join(dir, `${kind}.pub.pem`);
  if (kind === "p384-sec1") {
    // `ecparam -genkey` writes an EC PARAMETERS block before the SEC1 key, as many guides show.
    await openssl("ecparam", "-name", "secp384r1", "-genkey", "-out", key);
  } else if (kind === "ed25519") {
    await openssl("genpkey", "-algorithm", "ed25519", "-out", key);
  } else {
    const curve = kind === "p256-pkcs8" ? "P-256" : "P-521";
    await openssl(
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      `ec_paramgen_curve:${curve}`,
      "-out",
      key,
    );
  }
  await openssl("pkey", "-in", key, "-pubout", "-out", pub);
  return { key, pub };
}

export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

export async function write(file: string, text: string): Promise<void> {
  await Deno.mkdir(path.dirname(file), { recursive: true });
  await Deno.writeTextFile(file, text);
}

/** A model directory: nested files, a log directory to ignore, and git's files. */
export async function makeModel(root: string): Promise<string> {
  const model = path.join(root, "bert");
  await write(path.join(model, "config.json"), '{"hidden_size": 768}\n');
  await write(path.join(model, "weights", "model-00001.safetensors"), "weights one");
  await write(path.join(model, "weights", "model-00002.safetensors"), "weights two");
  await write(path.join(model, "tokenizer", "vocab.txt"), "[PAD]\n[UNK]\n");
  await write(path.join(model, "logs", "train.log"), "epoch 1\n");
  await write(path.join(model, ".gitattributes"), "*.safetensors filter=lfs\n");
  await write(path.join(model, ".git", "HEAD"), "ref: refs/heads/main\n");
  return model;
}
