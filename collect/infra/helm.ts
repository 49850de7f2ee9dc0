/**
 * Helm values files (`values.yaml`, `values-prod.yaml`, `values.prod.yaml`) of a chart, that is
 * beside a `Chart.yaml`: plain YAML whose meaning each chart defines. Only what maps obviously is
 * recorded, the unit being the chart's name followed by the path of the component
 * (`ray-cluster/head` for `head:`; the chart's name alone at the top):
 *
 * - a `service` (or `…Service`) mapping with `type: LoadBalancer` or `NodePort`: a `load-balancer`
 *   or `node-port` exposure (`hostPort` its `port`, or `nodePort` for NodePort; `port` its
 *   `targetPort`);
 * - an `ingress` mapping with `enabled: true`: an `ingress` exposure with its `hosts` (strings or
 *   `{host: …}`) or `hostname`, authenticated when its `annotations` put auth in front (the rules
 *   of `kubernetes_links.ts`);
 * - a mapping with `command`, `args` or `extraArgs` (lists, or for `extraArgs` a mapping written
 *   `--key=value`, the convention of most charts): a launch, with `image` (a string or
 *   `{registry, repository, tag}`) and `env`, `extraEnv`, `extraEnvVars` (`{name, value}` lists or
 *   mappings) as its environment;
 * - secrets: every string value, under its key (or under `name` for `{name, value}` items).
 *
 * Templates (`templates/*.yaml`) are not read here: the Kubernetes reader reports them as a gap.
 *
 * @module
 */
import type { Exposure, Launch, Location, Problem, SecretFact } from "../../core/snapshot.ts";
import { baseName, type FileReader, type ReaderResult } from "../_reader.ts";
import { ReadError, readTextInRoot } from "../fs.ts";
import { splitScript } from "./command_words.ts";
import { ingressAuthenticated } from "./kubernetes_links.ts";
import {
  buildLaunches,
  type EnvEntry,
  environmentEntry,
  type PlacedWord,
  secretFact,
} from "./_launch_facts.ts";
import { readYaml, type YamlFile } from "./_yaml.ts";

const VALUES_NAME = /^values(?:[.-][^/]*)?\.ya?ml$/i;
const MAX_DEPTH = 32;

/**
 * Whether a path is named like a Helm values file (read only beside a `Chart.yaml`).
 *
 * @example
 * ```ts
 * import { isHelmValuesName } from "./helm.ts";
 * isHelmValuesName("charts/mlflow/values-prod.yaml"); // true
 * ```
 */
export function isHelmValuesName(file: string): boolean {
  return VALUES_NAME.test(baseName(file));
}

/**
 * The Helm values reader.
 *
 * @example
 * ```ts
 * import { helmValuesReader } from "./helm.ts";
 * helmValuesReader.matches("chart/values.yaml"); // true
 * ```
 */
export const helmValuesReader: FileReader = {
  format: "helm values",
  matches: isHelmValuesName,
  read: async (file, context) => {
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
    let chart: string;
    try {
      chart = await readTextInRoot({
        root: context.root,
        file: `${dir}Chart.yaml`,
        maxBytes: 1 << 20,
      });
    } catch (error) {
      if (error instanceof ReadError) return {}; // not a chart's values: some other tool's YAML
      throw error;
    }
    const chartYaml = readYaml(chart, `${dir}Chart.yaml`);
    const name = chartYaml.text(chartYaml.get(chartYaml.documents[0], "name")) ??
      (dir.split("/").filter(Boolean).pop() ?? "chart");
    const text = await readTextInRoot({ root: context.root, file, maxBytes: 4 << 20 });
    return { ...parseHelmValues(text, { file, chart: name }), files: [file] };
  },
};

/**
 * Read a chart's values file.
 *
 * @param text The file's text.
 * @param options `file` (project-relative) and `chart`, the chart's name.
 * @returns Launches, exposures, secrets and problems.
 * @example
 * ```ts
 * import { parseHelmValues } from "./helm.ts";
 * const text = "head:\n  service:\n    type: LoadBalancer\n    port: 8265\n";
 * const result = parseHelmValues(text, { file: "ray/values.yaml", chart: "ray-cluster" });
 * result.exposures?.[0].unit; // "ray-cluster/head"
 * result.exposures?.[0].via; // "load-balancer"
 * ```
 */
export function parseHelmValues(
  text: string,
  options: { file: string; chart: string },
): ReaderResult {
  const { file, chart } = options;
  const yaml = readYaml(text, file);
  const launches: Launch[] = [];
  const exposures: Exposure[] = [];
  const secrets: SecretFact[] = [];
  // The same list: limits the YAML reader reaches while we read are added to it.
  const problems: Problem[] = yaml.problems;
  const at = yaml.at;

  const visit = (map: unknown, path: string[]) => {
    if (path.length > MAX_DEPTH) {
      problems.push({
        file,
        line: yaml.line(map),
        message: `nested deeper than ${MAX_DEPTH}; not read`,
      });
      return;
    }
    const unit = [chart, ...path].join("/");
    for (const { key, value } of yaml.entries(map)) {
      if (/^service$|Service$/.test(key) && yaml.isMap(value)) {
        const typeNode = yaml.get(value, "type");
        const type = yaml.text(typeNode);
        if (type === "LoadBalancer" || type === "NodePort") {
          const exposure: Exposure = {
            origin: "helm",
            unit,
            via: type === "LoadBalancer" ? "load-balancer" : "node-port",
            location: at(typeNode),
          };
          const hostPort = yaml.text(
            yaml.get(value, type === "LoadBalancer" ? "port" : "nodePort"),
          );
          const port = yaml.text(yaml.get(value, "targetPort"));
          if (hostPort !== undefined) exposure.hostPort = hostPort;
          if (port !== undefined) exposure.port = port;
          exposures.push(exposure);
        }
      }
      if (
        key === "ingress" && yaml.isMap(value) && yaml.text(yaml.get(value, "enabled")) === "true"
      ) {
        const hosts = [
          ...yaml.items(yaml.get(value, "hosts")).flatMap((h) =>
            yaml.text(h) ?? yaml.text(yaml.get(h, "host")) ?? []
          ),
          ...[yaml.text(yaml.get(value, "hostname"))].flatMap((h) => h ?? []),
        ];
        const annotations: Record<string, string> = {};
        for (const entry of yaml.entries(yaml.get(value, "annotations"))) {
          const text = yaml.text(entry.value);
          if (text !== undefined) annotations[entry.key] = text;
        }
        const exposure: Exposure = {
          origin: "helm",
          unit,
          via: "ingress",
          authenticated: ingressAuthenticated({
            name: unit,
            annotations,
            backends: [],
            location: at(value),
          }, []),
          location: at(yaml.get(value, "enabled")),
        };
        if (hosts.length > 0) exposure.hosts = hosts;
        exposures.push(exposure);
      }
      if (yaml.isMap(value)) visit(value, [...path, key]);
    }
    launches.push(...componentLaunches(yaml, map, unit, file, problems));
  };
  for (const doc of yaml.documents) {
    visit(doc, []);
    secrets.push(...valueSecrets(yaml, doc, undefined, at, 0));
  }
  const seen = new Set<string>();
  const unique = secrets.filter((s) => {
    const key = `${s.location.line}|${s.kind}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  return { launches, exposures, secrets: unique, problems };
}

/** The launch of a component mapping with `command`, `args` or `extraArgs`. */
function componentLaunches(
  yaml: YamlFile,
  map: unknown,
  unit: string,
  file: string,
  problems: Problem[],
): Launch[] {
  const argv: PlacedWord[] = [];
  for (const key of ["command", "args", "extraArgs"]) {
    const node = yaml.get(map, key);
    if (node === undefined || node === null) continue;
    if (yaml.isSeq(node)) {
      for (const item of yaml.items(node)) {
        const text = yaml.text(item);
        if (text !== undefined) argv.push({ word: { text }, line: yaml.line(item) ?? 1 });
      }
    } else if (yaml.isMap(node) && key === "extraArgs") {
      for (const entry of yaml.entries(node)) {
        const text = yaml.text(entry.value);
        const word = text === undefined || text === ""
          ? `--${entry.key}`
          : `--${entry.key}=${text}`;
        argv.push({ word: { text: word }, line: yaml.line(entry.keyNode) ?? 1 });
      }
    } else if (yaml.text(node) !== undefined) {
      const split = splitScript(yaml.text(node)!);
      const line = yaml.line(node) ?? 1;
      for (const word of split.commands.flatMap((c) => c.words)) argv.push({ word, line });
    } else {
      problems.push({ file, line: yaml.line(node), message: `${unit}: ${key} is not a list` });
    }
  }
  if (argv.length === 0) return [];
  const env: EnvEntry[] = [];
  for (const key of ["env", "extraEnv", "extraEnvVars"]) {
    const node = yaml.get(map, key);
    const pairs = yaml.isMap(node)
      ? yaml.entries(node).map((e) => ({ name: e.key, valueNode: e.value, node: e.keyNode }))
      : yaml.items(node).map((item) => ({
        name: yaml.text(yaml.get(item, "name")),
        valueNode: yaml.get(item, "value"),
        node: item,
      }));
    for (const { name, valueNode, node: where } of pairs) {
      if (name === undefined) continue;
      const value = yaml.text(valueNode);
      const line = yaml.line(valueNode ?? where);
      // Secrets here are found by the walk over every value; the entry drops the value all the same.
      env.push(
        environmentEntry({ name, value, location: line === undefined ? { file } : { file, line } })
          .entry,
      );
    }
  }
  const imageNode = yaml.get(map, "image");
  const image = yaml.text(imageNode) ?? imageName(yaml, imageNode);
  const declared = yaml.keyNode(map, "command") ?? yaml.keyNode(map, "args") ??
    yaml.keyNode(map, "extraArgs");
  return buildLaunches({
    origin: "helm",
    unit,
    ...(image === undefined ? {} : { image }),
    argv,
    env,
    file,
    line: yaml.line(declared) ?? 1,
  }).launches;
}

function imageName(yaml: YamlFile, node: unknown): string | undefined {
  const repository = yaml.text(yaml.get(node, "repository"));
  if (repository === undefined) return undefined;
  const registry = yaml.text(yaml.get(node, "registry"));
  const tag = yaml.text(yaml.get(node, "tag"));
  return `${registry ? `${registry}/` : ""}${repository}${tag ? `:${tag}` : ""}`;
}

/** Secrets among every string value, under their key (or a `{name, value}` item's name). */
function valueSecrets(
  yaml: YamlFile,
  node: unknown,
  name: string | undefined,
  at: (node: unknown) => Location,
  depth: number,
): SecretFact[] {
  if (depth > MAX_DEPTH) return [];
  if (yaml.isMap(node)) {
    const itemName = yaml.text(yaml.get(node, "name"));
    const value = yaml.get(node, "value");
    const found: SecretFact[] = [];
    if (itemName !== undefined && yaml.text(value) !== undefined) {
      const secret = secretFact({ name: itemName, value: yaml.text(value)!, location: at(value) });
      if (secret) found.push(secret);
    }
    for (const entry of yaml.entries(node)) {
      if (entry.value === value && itemName !== undefined) continue;
      found.push(...valueSecrets(yaml, entry.value, entry.key, at, depth + 1));
    }
    return found;
  }
  if (yaml.isSeq(node)) {
    return yaml.items(node).flatMap((item) => valueSecrets(yaml, item, name, at, depth + 1));
  }
  const text = yaml.text(node);
  if (text === undefined || typeof text !== "string") return [];
  const secret = secretFact({ name, value: text, location: at(node) });
  return secret ? [secret] : [];
}
