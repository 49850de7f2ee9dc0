/**
 * The parts of a CycloneDX JSON BOM the import reads, taken from untrusted JSON: every value is
 * type-checked where it is used, a wrong type is a {@linkcode ConfigError} naming the file and the
 * key path, strings are bounded, and unknown fields are never looked at.
 *
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import { formatKeyPath } from "../../core/issues.ts";
import { isRecord } from "../../packaging/mod.ts";

/** A key path into the BOM: object keys and array indexes. */
export type KeyPath = ReadonlyArray<string | number>;

/**
 * Longest string read from a BOM (characters): names, versions, package URLs, references and
 * URLs are far shorter; a longer one is refused rather than carried into the snapshot.
 *
 * @example
 * ```ts
 * import { MAX_BOM_STRING } from "./_bom_json.ts";
 * MAX_BOM_STRING; // 8192
 * ```
 */
export const MAX_BOM_STRING = 8192;

/**
 * A short description of a JSON value for messages: `3`, `"x"`, `an object`, `nothing`.
 *
 * @example
 * ```ts
 * import { describeJson } from "./_bom_json.ts";
 * describeJson([1]); // "an array"
 * describeJson(undefined); // "nothing"
 * ```
 */
export function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (Array.isArray(value)) return "an array";
  if (isRecord(value)) return "an object";
  return String(value);
}

/**
 * Typed access to one BOM's JSON: each method returns the value at a key when it has the expected
 * type and throws a {@linkcode ConfigError} naming the file and key path when it has another.
 *
 * @example
 * ```ts
 * import { BomValues } from "./_bom_json.ts";
 * const values = new BomValues("bom.json");
 * values.string({ name: "numpy" }, "name", ["components", 0]); // "numpy"
 * ```
 */
export class BomValues {
  /**
   * Read values of the BOM in `file`.
   *
   * @param file The BOM as the user named it.
   */
  constructor(readonly file: string) {}

  /**
   * Refuse the BOM: what is wrong at `path`.
   *
   * @param path Where, inside the BOM.
   * @param message What was expected and found.
   */
  fail(path: KeyPath, message: string): never {
    throw new ConfigError({ file: this.file, keyPath: formatKeyPath(path) || undefined, message });
  }

  /** The object at `key`, or undefined when absent. */
  object(
    parent: Record<string, unknown>,
    key: string,
    path: KeyPath,
  ): Record<string, unknown> | undefined {
    const value = parent[key];
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.fail([...path, key], `expected an object, found ${describeJson(value)}`);
    }
    return value;
  }

  /** The array at `key`, or an empty one when absent. */
  array(parent: Record<string, unknown>, key: string, path: KeyPath): unknown[] {
    const value = parent[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail([...path, key], `expected an array, found ${describeJson(value)}`);
    }
    return value;
  }

  /** The string at `key` (at most {@linkcode MAX_BOM_STRING} characters), or undefined. */
  string(parent: Record<string, unknown>, key: string, path: KeyPath): string | undefined {
    return this.text(parent[key], [...path, key]);
  }

  /** A string value at `path` (bounded), or undefined when absent. */
  text(value: unknown, path: KeyPath): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.fail(path, `expected a string, found ${describeJson(value)}`);
    }
    if (value.length > MAX_BOM_STRING) {
      this.fail(
        path,
        `is ${value.length} characters long, over the ${MAX_BOM_STRING}-character limit`,
      );
    }
    return value;
  }

  /** The object that an array element must be. */
  element(value: unknown, path: KeyPath): Record<string, unknown> {
    if (!isRecord(value)) this.fail(path, `expected an object, found ${describeJson(value)}`);
    return value;
  }
}

/** A hash as the BOM writes it, before it is judged. */
export interface BomHash {
  /** The CycloneDX algorithm name, e.g. `SHA-256`. */
  alg: string;
  /** The digest as written. */
  content: string;
  /** Where it is. */
  path: KeyPath;
}

/** What the import reads of one component. */
export interface BomComponent {
  /** Where it is. */
  path: KeyPath;
  /** Its CycloneDX type: `library`, `machine-learning-model`… */
  type: string;
  /** Its name as written. Never empty. */
  name: string;
  /** Its version as written. */
  version?: string;
  /** Its package URL as written. */
  purl?: string;
  /** Its `bom-ref`. */
  bomRef?: string;
  /** Its own hashes, then those of the `file` components nested in it (its distribution files). */
  hashes: BomHash[];
  /** External references with a URL. */
  references: { type: string; url: string }[];
  /** Name/value properties. */
  properties: { name: string; value: string }[];
  /** Its nested components, unread. */
  components: unknown[];
}

/**
 * Read one component's fields (not its nested components). A name and a type are required, as
 * the CycloneDX schema requires them.
 *
 * @param values Typed access to the BOM.
 * @param value The component's JSON.
 * @param path Where it is.
 * @returns The fields the import uses.
 * @example
 * ```ts
 * import { BomValues, readComponent } from "./_bom_json.ts";
 * const component = readComponent(
 *   new BomValues("bom.json"),
 *   { type: "library", name: "six", purl: "pkg:pypi/six@1.16.0" },
 *   ["components", 0],
 * );
 * component.purl; // "pkg:pypi/six@1.16.0"
 * ```
 */
export function readComponent(values: BomValues, value: unknown, path: KeyPath): BomComponent {
  const object = values.element(value, path);
  const name = values.string(object, "name", path);
  if (name === undefined || name.trim() === "") {
    values.fail([...path, "name"], `expected the component's name, found ${describeJson(name)}`);
  }
  const type = values.string(object, "type", path);
  if (type === undefined) {
    values.fail(
      [...path, "type"],
      "expected the component's type (library, framework, …), found nothing",
    );
  }
  return {
    path,
    type,
    name,
    version: values.string(object, "version", path),
    purl: values.string(object, "purl", path),
    bomRef: values.string(object, "bom-ref", path),
    hashes: readHashes(values, object, path),
    references: values.array(object, "externalReferences", path).flatMap((entry, index) => {
      const at = [...path, "externalReferences", index];
      const reference = values.element(entry, at);
      const url = values.string(reference, "url", at);
      const kind = values.string(reference, "type", at);
      return url === undefined || kind === undefined ? [] : [{ type: kind, url }];
    }),
    properties: values.array(object, "properties", path).flatMap((entry, index) => {
      const at = [...path, "properties", index];
      const property = values.element(entry, at);
      const key = values.string(property, "name", at);
      const text = values.string(property, "value", at);
      return key === undefined || text === undefined ? [] : [{ name: key, value: text }];
    }),
    components: values.array(object, "components", path),
  };
}

/** The `hashes` array of a component: `{alg, content}` objects. */
export function readHashes(
  values: BomValues,
  object: Record<string, unknown>,
  path: KeyPath,
): BomHash[] {
  return values.array(object, "hashes", path).map((entry, index) => {
    const at = [...path, "hashes", index];
    const hash = values.element(entry, at);
    const alg = values.string(hash, "alg", at);
    const content = values.string(hash, "content", at);
    if (alg === undefined) {
      values.fail([...at, "alg"], "expected the hash algorithm, found nothing");
    }
    if (content === undefined || !/^[0-9a-f]+$/i.test(content)) {
      values.fail([...at, "content"], `expected hex digits, found ${describeJson(content)}`);
    }
    return { alg, content, path: at };
  });
}
