/**
 * Reading a BOM file and its JSON: bounded, and every way the input can be wrong a
 * {@linkcode ConfigError} naming the file (a file that exists but cannot be read, a
 * {@linkcode ReadError}).
 *
 * @module
 */
import { open, stat } from "node:fs/promises";
import { ConfigError } from "../../core/config.ts";
import { ReadError } from "../fs.ts";
import { describeFsError, hasErrorCode } from "../node_fs.ts";

/** JSON.parse, with the line V8 names turned into the error's line. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /\(line (\d+) column \d+\)/.exec(message)?.[1];
    throw new ConfigError({
      file,
      ...(line !== undefined ? { line: Number(line) } : {}),
      message: `not valid JSON: ${message.slice(0, 200)}`,
    });
  }
}

/** The file's text, refusing what is not a regular UTF-8 file of at most `maxBytes`. */
export async function readBomText(file: string, maxBytes: number): Promise<string> {
  const refuse = (message: string) => new ConfigError({ file, message });
  const unreadable = (error: unknown) => {
    if (hasErrorCode(error, "ENOENT", "ENOTDIR")) return refuse("file not found");
    return new ReadError(file, `${file}: ${describeFsError(error)}`);
  };
  // Checked before opening: opening a FIFO would wait for a writer.
  const info = await stat(file).catch((error) => {
    throw unreadable(error);
  });
  if (!info.isFile()) throw refuse("not a regular file");
  if (info.size > maxBytes) throw refuse(`is ${info.size} bytes, over the ${maxBytes}-byte limit`);
  const handle = await open(file, "r").catch((error) => {
    throw unreadable(error);
  });
  let bytes: Uint8Array;
  try {
    // One byte more than the limit tells a file that grew since stat from one that fits.
    const buffer = new Uint8Array(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw refuse(`is over the ${maxBytes}-byte limit`);
    bytes = buffer.subarray(0, length);
  } catch (error) {
    throw error instanceof ConfigError ? error : unreadable(error);
  } finally {
    await handle.close();
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw refuse("not valid UTF-8 text");
  }
}
