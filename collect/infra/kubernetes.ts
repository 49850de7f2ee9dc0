/**
 * Kubernetes manifests: any `.yaml`/`.yml` file (compose files, CI workflows and Helm values
 * aside) whose documents have `apiVersion` and `kind`, several documents per file, `List` kinds'
 * `items` included.
 *
 * - Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, a
 *   Knative Service (`serving.knative.dev`) and a KServe InferenceService's predictor, transformer
 *   and explainer containers: a launch per container and init container, unit
 *   `Kind/name/container`, with its image; argv is
 *   `command` then `args`, after the kubelet's `$(VAR)` expansion (a variable the container sets
 *   to a literal is substituted, any other stays unresolved; `$$` is `$`), then `sh -c` scripts
 *   unwrapped (see `command_words.ts`). No `command` means the image's entrypoint runs with the
 *   `args`: argv then holds the args only.
 * - `env`: a literal `value` (a secret is recorded as such, without its value), `valueFrom` (a
 *   Secret, ConfigMap or field reference: name only, never a secret).
 * - Container ports: `hostPort` is a `port` exposure (on `hostIP`, or every interface);
 *   `containerPort` alone an `expose` (reachable inside the cluster); `hostNetwork: true` a
 *   `host-network` exposure of every container.
 * - Services, Ingresses and Traefik Middlewares are recorded for `kubernetes_links.ts`, which
 *   links them to workloads across files once all are read.
 * - Secrets: label and annotation values, ConfigMap `data`, Secret `stringData` and `data`
 *   (base64-decoded; any value that is not a stand-in is a secret there), kustomize
 *   `secretGenerator`/`configMapGenerator` literals (`kustomization.yaml` is read whether or not it
 *   names its apiVersion and kind, as kustomize reads it).
 * - Documents of other kinds (CRDs, RBAC…) are not parsed at all. Not read: Gateway API routes,
 *   Istio, OpenShift Routes, Traefik IngressRoutes, KubeRay RayClusters, Argo Workflows.
 *
 * A file with `{{ … }}` that is a template (under `templates/`, or not valid YAML because of it:
 * Helm charts, Jinja) is not read, and says so as a coverage problem: what it deploys is known only
 * once rendered (a chart's values files are read by the Helm values reader). A YAML file that
 * does not look like a manifest at all (no `apiVersion:` and `kind:` lines) is left alone, even
 * when invalid: it is some other tool's file.
 *
 * @module
 */
import type { Exposure, Launch, Location, Problem, SecretFact } from "../../core/snapshot.ts";
import { type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { expandWord, kubernetesExpansion } from "./command_words.ts";
import { isComposeFile } from "./compose.ts";
import { isWorkflowFile } from "./github_workflows.ts";
import { isGitlabCiFile } from "./gitlab_ci.ts";
import { isHelmValuesName } from "./helm.ts";
import {
  buildLaunches,
  type EnvEntry,
  environmentEntry,
  type PlacedWord,
  secretFact,
} from "./_launch_facts.ts";
import { readNetworkObject } from "./_kubernetes_network.ts";
import type { KubernetesObjects, KubernetesWorkload } from "./kubernetes_links.ts";
import { readYaml, type YamlFile } from "./_yaml.ts";

/** Where each workload kind keeps its pod template, from the object. */
const POD_TEMPLATES: Record<string, string[]> = {
  Pod: [],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

const KUSTOMIZATION = /(?:^|\/)kustomization\.ya?ml$/;
const TEMPLATES_DIR = /^(?:.*\/)?templates\//;
const LOOKS_LIKE_MANIFEST = /^[\s-]*apiVersion\s*:/m;
const HAS_KIND = /^[\s-]*kind\s*:/m;
/** Kinds this reader reads something from; documents with none (CRDs, RBAC…) are not parsed. */
/** Serving kinds whose components are pod specs themselves (KServe's predictor, transformer…). */
const COMPONENT_SPECS: Record<string, string[]> = {
  InferenceService: ["predictor", "transformer", "explainer"],
};
const READ_KIND =
  /^[\s-]*kind\s*:\s*["']?(?:Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|Service|Ingress|Middleware|Secret|ConfigMap|Kustomization|InferenceService|\w*List)["']?\s*(?:#.*)?$/m;

/**
 * Whether a path is a YAML file the Kubernetes reader considers (other infrastructure formats
 * have their own readers).
 *
 * @example
 * ```ts
 * import { isKubernetesCandidate } from "./kubernetes.ts";
 * isKubernetesCandidate("deploy/jupyter.yaml"); // true
 * isKubernetesCandidate("docker-compose.yml"); // false
 * ```
 */
export function isKubernetesCandidate(file: string): boolean {
  return /\.ya?ml$/i.test(file) && !isComposeFile(file) && !isWorkflowFile(file) &&
    !isGitlabCiFile(file) && !isHelmValuesName(file);
}

/**
 * The Kubernetes manifest reader.
 *
 * @example
 * ```ts
 * import { kubernetesReader } from "./kubernetes.ts";
 * kubernetesReader.matches("k8s/deployment.yaml"); // true
 * ```
 */
export const kubernetesReader: FileReader = textReader({
  format: "kubernetes",
  matches: isKubernetesCandidate,
  parse: (text, { file }) => parseKubernetes(text, file),
});

/**
 * Read the manifests of one file.
 *
 * @param text The file's text.
 * @param file Its project-relative path.
 * @returns Launches, exposures of containers, secrets, problems, and the objects to link.
 * @example
 * ```ts
 * import { parseKubernetes } from "./kubernetes.ts";
 * const text = `apiVersion: v1
 * kind: Pod
 * metadata: {name: lab}
 * spec:
 *   containers:
 *     - name: jupyter
 *       image: quay.io/jupyter/base-notebook
 *       args: ["start-notebook.py", "--IdentityProvider.token="]
 * `;
 * parseKubernetes(text, "pod.yaml").launches?.[0].unit; // "Pod/lab/jupyter"
 * ```
 */
export function parseKubernetes(text: string, file: string): ReaderResult {
  // kustomize reads kustomization.yaml whether or not it says its apiVersion and kind.
  const kustomization = KUSTOMIZATION.test(file);
  if (!kustomization && (!LOOKS_LIKE_MANIFEST.test(text) || !HAS_KIND.test(text))) return {};
  const yaml = readYaml(kustomization ? text : documentsOfInterest(text), file);
  if (text.includes("{{") && (TEMPLATES_DIR.test(file) || yaml.problems.length > 0)) {
    // One note per chart: every template of a directory gets the same problem, which collect keeps
    // once.
    const where = TEMPLATES_DIR.exec(file)?.[0].replace(/\/$/, "") ?? file;
    return {
      problems: [{
        file: where,
        message: `${where}: ${where === file ? "a template" : "templates"} ({{ … }}), not read: ` +
          "what they deploy is known only once rendered (render them, e.g. helm template, and " +
          "check the output; a chart's values files are read)",
      }],
    };
  }
  const found: Found = {
    launches: [],
    exposures: [],
    secrets: [],
    problems: yaml.problems, // the same list: limits reached while reading are added to it
    kubernetes: { workloads: [], services: [], ingresses: [], middlewares: [] },
  };
  for (const doc of yaml.documents) {
    const kind = yaml.text(yaml.get(doc, "kind"));
    if (kind?.endsWith("List") && yaml.isSeq(yaml.get(doc, "items"))) {
      for (const item of yaml.items(yaml.get(doc, "items"))) readObject(yaml, item, file, found);
    } else if (kustomization) readObject(yaml, doc, file, found, "Kustomization");
    else readObject(yaml, doc, file, found);
  }
  const any = found.launches.length + found.exposures.length + found.secrets.length +
      found.problems.length + Object.values(found.kubernetes).flat().length > 0;
  return any ? { ...found, files: [file] } : { files: [file] };
}

type Found = Required<Pick<ReaderResult, "launches" | "exposures" | "secrets" | "problems">> & {
  kubernetes: KubernetesObjects;
};

function readObject(
  yaml: YamlFile,
  object: unknown,
  file: string,
  found: Found,
  implied?: "Kustomization",
): void {
  const kind = yaml.text(yaml.get(object, "kind")) ?? implied;
  const apiVersion = yaml.text(yaml.get(object, "apiVersion")) ??
    (implied ? "kustomize.config.k8s.io/v1beta1" : undefined);
  if (kind === undefined || apiVersion === undefined) return;
  const at = yaml.at;
  const metadata = yaml.get(object, "metadata");
  const name = yaml.text(yaml.get(metadata, "name")) ??
    yaml.text(yaml.get(metadata, "generateName")) ??
    "(unnamed)";
  const namespace = yaml.text(yaml.get(metadata, "namespace"));
  const valueSecrets = (
    map: unknown,
    decode?: (value: string) => string | undefined,
    always?: boolean,
  ) => {
    for (const entry of yaml.entries(map)) {
      const raw = yaml.text(entry.value);
      const value = raw === undefined ? undefined : decode ? decode(raw) : raw;
      if (value === undefined) continue;
      const location = at(entry.value);
      const secret = secretFact({ name: entry.key, value, location }) ??
        (always && secretFact({ name: "secret", value, location })
          ? { kind: "kubernetes-secret", name: entry.key, location }
          : undefined);
      if (secret) found.secrets.push(secret);
    }
  };
  valueSecrets(yaml.get(metadata, "labels"));
  valueSecrets(yaml.get(metadata, "annotations"));
  if (kind === "ConfigMap") valueSecrets(yaml.get(object, "data"));
  if (kind === "Secret") {
    valueSecrets(yaml.get(object, "stringData"), undefined, true);
    valueSecrets(yaml.get(object, "data"), decodeBase64, true);
  }
  if (kind === "Kustomization") {
    for (const generator of ["secretGenerator", "configMapGenerator"]) {
      for (const entry of yaml.items(yaml.get(object, generator))) {
        for (const literal of yaml.items(yaml.get(entry, "literals"))) {
          const text = yaml.text(literal);
          const eq = text?.indexOf("=") ?? -1;
          if (text === undefined || eq < 0) continue;
          const value = text.slice(eq + 1);
          const location = at(literal);
          const secret = secretFact({ name: text.slice(0, eq), value, location }) ??
            (generator === "secretGenerator" && secretFact({ name: "secret", value, location })
              ? { kind: "kubernetes-secret", name: text.slice(0, eq), location }
              : undefined);
          if (secret) found.secrets.push(secret);
        }
      }
    }
  }
  const network = readNetworkObject(yaml, object, { kind, apiVersion, name, namespace });
  if (network) {
    if ("services" in network) found.kubernetes.services.push(...network.services);
    if ("ingresses" in network) found.kubernetes.ingresses.push(...network.ingresses);
    if ("middlewares" in network) found.kubernetes.middlewares.push(...network.middlewares);
  }
  // A Knative Service is a workload with a pod template, not a core Service.
  const knative = kind === "Service" && apiVersion.startsWith("serving.knative.dev/");
  const path = knative ? ["spec", "template"] : POD_TEMPLATES[kind];
  const specs: unknown[] = [];
  const labels: Record<string, string> = {};
  if (path !== undefined) {
    let template = object;
    for (const key of path) template = yaml.get(template, key);
    const templateMetadata = yaml.get(template, "metadata");
    if (path.length > 0) {
      valueSecrets(yaml.get(templateMetadata, "labels"));
      valueSecrets(yaml.get(templateMetadata, "annotations"));
    }
    for (const entry of yaml.entries(yaml.get(templateMetadata, "labels"))) {
      const value = yaml.text(entry.value);
      if (value !== undefined) labels[entry.key] = value;
    }
    specs.push(yaml.get(template, "spec"));
  }
  for (const component of COMPONENT_SPECS[kind] ?? []) {
    specs.push(yaml.get(yaml.get(object, "spec"), component));
  }
  if (specs.length === 0) return;
  const workload: KubernetesWorkload = { labels, containers: [] };
  if (namespace !== undefined) workload.namespace = namespace;
  for (const spec of specs) {
    const hostNetwork = yaml.get(spec, "hostNetwork");
    for (const key of ["initContainers", "containers"]) {
      for (const container of yaml.items(yaml.get(spec, key))) {
        const read = readContainer(yaml, container, { unitPrefix: `${kind}/${name}`, file, at });
        found.launches.push(...read.launches);
        found.secrets.push(...read.secrets);
        found.exposures.push(...read.exposures);
        found.problems.push(...read.problems);
        workload.containers.push({ unit: read.unit, ports: read.ports });
        if (yaml.text(hostNetwork) === "true") {
          found.exposures.push({
            origin: "kubernetes",
            unit: read.unit,
            via: "host-network",
            location: at(hostNetwork),
          });
        }
      }
    }
  }
  found.kubernetes.workloads.push(workload);
}

function readContainer(
  yaml: YamlFile,
  container: unknown,
  options: { unitPrefix: string; file: string; at: (node: unknown) => Location },
): {
  unit: string;
  launches: Launch[];
  secrets: SecretFact[];
  exposures: Exposure[];
  problems: Problem[];
  ports: { name?: string; port: string }[];
} {
  const { file, at } = options;
  const unit = `${options.unitPrefix}/${yaml.text(yaml.get(container, "name")) ?? "(unnamed)"}`;
  const secrets: SecretFact[] = [];
  const problems: Problem[] = [];
  const env: EnvEntry[] = [];
  const literal = new Map<string, string>();
  for (const item of yaml.items(yaml.get(container, "env"))) {
    const name = yaml.text(yaml.get(item, "name"));
    if (name === undefined) continue;
    const valueNode = yaml.get(item, "value");
    const value = yaml.text(valueNode);
    const read = environmentEntry({
      name,
      value,
      unresolved: value !== undefined && /\$\([A-Za-z_][A-Za-z0-9_]*\)/.test(value),
      location: at(valueNode ?? item),
    });
    env.push(read.entry);
    if (read.secret) secrets.push(read.secret);
    if (read.entry.value !== undefined) literal.set(name, read.entry.value);
  }
  const expansion = kubernetesExpansion(literal);
  const argv: PlacedWord[] = [];
  for (const key of ["command", "args"]) {
    const node = yaml.get(container, key);
    if (node === undefined || node === null) continue;
    if (!yaml.isSeq(node)) {
      problems.push({ file, line: yaml.line(node), message: `${unit}: ${key} is not a list` });
      continue;
    }
    for (const item of yaml.items(node)) {
      const text = yaml.text(item);
      if (text === undefined) {
        problems.push({
          file,
          line: yaml.line(item),
          message: `${unit}: ${key} holds a non-string item`,
        });
        continue;
      }
      argv.push({
        word: expandWord(text, expansion),
        line: yaml.line(item) ?? 1,
        block: yaml.isBlockLiteral(item),
      });
    }
  }
  const image = yaml.text(yaml.get(container, "image"));
  const declared = yaml.keyNode(container, "command") ?? yaml.keyNode(container, "args") ??
    container;
  const built = buildLaunches({
    origin: "kubernetes",
    unit,
    ...(image === undefined ? {} : { image }),
    argv,
    env,
    file,
    line: yaml.line(declared) ?? 1,
  });
  secrets.push(...built.secrets);
  const exposures: Exposure[] = [];
  const ports: { name?: string; port: string }[] = [];
  for (const item of yaml.items(yaml.get(container, "ports"))) {
    const port = yaml.text(yaml.get(item, "containerPort"));
    if (port === undefined) continue;
    const name = yaml.text(yaml.get(item, "name"));
    ports.push(name === undefined ? { port } : { name, port });
    const protocol = yaml.text(yaml.get(item, "protocol"))?.toLowerCase() ?? "tcp";
    const shown = port + (protocol === "tcp" ? "" : `/${protocol}`);
    const hostPort = yaml.text(yaml.get(item, "hostPort"));
    const hostIp = yaml.text(yaml.get(item, "hostIP"));
    const exposure: Exposure = hostPort === undefined
      ? { origin: "kubernetes", unit, via: "expose", port: shown, location: at(item) }
      : { origin: "kubernetes", unit, via: "port", hostPort, port: shown, location: at(item) };
    if (hostPort !== undefined && hostIp !== undefined) exposure.hostIp = hostIp;
    exposures.push(exposure);
  }
  return { unit, launches: built.launches, secrets, exposures, problems, ports };
}

/**
 * The text with every document that declares no kind this reader reads blanked, newlines kept (so
 * lines stay where they are): parsing YAML costs microseconds a byte, and a repository of vendored
 * CRDs and RBAC (a Kubeflow install) holds megabytes of it. Documents end at a line starting with
 * `---` or `...`, as YAML ends them outside an indented block.
 */
function documentsOfInterest(text: string): string {
  const parts = text.split(/(?=^(?:---|\.\.\.)(?:[ \t].*)?$)/m);
  return parts.map((part) => READ_KIND.test(part) ? part : part.replace(/[^\n]+/g, "")).join("");
}

function decodeBase64(value: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(value.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
