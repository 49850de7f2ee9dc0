/**
 * A git source as uv and pixi pin it in their locks.
 *
 * @module
 */
import type { PackageSource } from "../../core/snapshot.ts";
import { redactUrl } from "../../packaging/mod.ts";

/**
 * Read a pinned git location as uv.lock and pixi.lock write it (after any `git+`):
 * `https://host/repo.git?rev=R&tag=T&branch=B&subdirectory=S#COMMIT`; a pip-style `repo.git@ref`
 * is read too.
 *
 * @param text The location, without `git+`.
 * @returns A git source with the URL (redacted), the ref asked for, and the locked commit.
 * @example
 * ```ts
 * import { pinnedGitSource } from "./_git_pin.ts";
 * pinnedGitSource("https://github.com/org/lib.git?tag=v1#0123abc");
 * // { kind: "vcs", vcs: "git", url: "https://github.com/org/lib.git", ref: "v1", commit: "0123abc" }
 * ```
 */
export function pinnedGitSource(text: string): PackageSource {
  const hash = text.indexOf("#");
  const commit = hash >= 0 ? text.slice(hash + 1) : "";
  const withoutCommit = hash >= 0 ? text.slice(0, hash) : text;
  const question = withoutCommit.indexOf("?");
  let url = question >= 0 ? withoutCommit.slice(0, question) : withoutCommit;
  const query = new URLSearchParams(question >= 0 ? withoutCommit.slice(question + 1) : "");
  let ref = query.get("tag") ?? query.get("branch") ?? query.get("rev") ?? undefined;
  const authority = /^[^:]+:\/\/[^/]*/.exec(url)?.[0] ?? "";
  const at = url.lastIndexOf("@");
  if (ref === undefined && at > authority.length) {
    [url, ref] = [url.slice(0, at), url.slice(at + 1)];
  }
  return {
    kind: "vcs",
    vcs: "git",
    url: redactUrl(url),
    ...(ref ? { ref } : {}),
    ...(commit ? { commit } : {}),
  };
}
