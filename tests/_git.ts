/**
 * Real git repositories for tests: made with the git command in a temporary directory, committed
 * step by step, as a project's history is.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as path from "node:path";

/** An author and committer that do not depend on this machine's configuration. */
const ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

/**
 * Run git in `dir` and return its standard output; throws with git's message on failure.
 *
 * @example
 * ```ts ignore
 * const head = git(dir, "rev-parse", "HEAD").trim();
 * ```
 */
export function git(dir: string, ...args: string[]): string {
  const output = new Deno.Command("git", { args, cwd: dir, env: ENV }).outputSync();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  return text;
}

/**
 * A new repository with one commit per entry of `commits`: each maps paths to contents (`null`
 * deletes the file). Returns its directory; the caller removes it.
 *
 * @example
 * ```ts ignore
 * const dir = await gitHistory([{ "a.txt": "1" }, { "a.txt": "2" }]);
 * ```
 */
export async function gitHistory(
  commits: ReadonlyArray<{ [file: string]: string | Uint8Array | null | undefined }>,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-git-" });
  git(dir, "init", "-q", "-b", "main");
  for (const [i, files] of commits.entries()) {
    for (const [file, content] of Object.entries(files)) {
      if (content === undefined) continue;
      const target = path.join(dir, file);
      if (content === null) {
        await Deno.remove(target);
        continue;
      }
      await Deno.mkdir(path.dirname(target), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(target, content);
      else await Deno.writeFile(target, content);
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "--allow-empty", "-m", `commit ${i + 1}`);
  }
  return dir;
}

/**
 * A uv.lock as `uv lock --upgrade-package NAME` leaves it: the package's version, and its sdist and
 * wheel file names, URLs and hashes, replaced (a new hash per new file name).
 *
 * @example
 * ```ts ignore
 * const upgraded = upgradeUvLock(text, "certifi", "2025.11.12");
 * ```
 */
export function upgradeUvLock(text: string, name: string, version: string): string {
  const start = text.indexOf(`[[package]]\nname = "${name}"\n`);
  if (start < 0) throw new Error(`${name} is not in the lock`);
  const end = text.indexOf("\n[[package]]", start + 1);
  const block = text.slice(start, end < 0 ? undefined : end);
  const old = block.match(/^version = "([^"]+)"$/m)?.[1];
  if (!old) throw new Error(`${name} has no version in the lock`);
  const file = name.replaceAll("-", "_");
  const edited = block
    .replace(`version = "${old}"`, `version = "${version}"`)
    .replace(/\{ url = "([^"]+)", hash = "sha256:[0-9a-f]{64}"/g, (_, url: string) => {
      const next = url.replaceAll(`${file}-${old}`, `${file}-${version}`)
        .replaceAll(`${name}-${old}`, `${name}-${version}`);
      const hash = createHash("sha256").update(next).digest("hex");
      return `{ url = "${next}", hash = "sha256:${hash}"`;
    });
  return text.slice(0, start) + edited + (end < 0 ? "" : text.slice(end));
}
