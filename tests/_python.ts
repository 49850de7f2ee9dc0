/**
 * Runs a Python script as an independent oracle: JSON in on stdin, JSON out on stdout.
 *
 * @module
 */
import assert from "node:assert/strict";

/**
 * Run `script` with python3, write `input` to it as JSON, and parse what it prints as JSON.
 *
 * @example
 * ```ts ignore
 * const doubled = await pythonJson<number[]>("import json,sys\nprint(json.dumps([2*x for x in json.load(sys.stdin)]))", [1, 2]);
 * ```
 */
export async function pythonJson<T>(script: string, input: unknown): Promise<T> {
  const child = new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const output = await child.output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}
