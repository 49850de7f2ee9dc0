/**
 * The network objects of a manifest, read for `kubernetes_links.ts`: Services (type, selector,
 * ports, external IPs), Ingresses (`networking.k8s.io/v1` with `service.name`/`service.port`, and
 * the older `extensions/v1beta1` and `networking.k8s.io/v1beta1` with
 * `serviceName`/`servicePort`; rules and the default backend; annotations), and Traefik
 * Middlewares (whether they authenticate).
 *
 * @module
 */
import type {
  KubernetesIngress,
  KubernetesService,
  TraefikMiddleware,
} from "./kubernetes_links.ts";
import type { YamlFile } from "./_yaml.ts";

/** What a network object contributes. */
export type NetworkObject =
  | { services: KubernetesService[] }
  | { ingresses: KubernetesIngress[] }
  | { middlewares: TraefikMiddleware[] };

/**
 * Read a Service, Ingress or Traefik Middleware; undefined for any other kind.
 *
 * @example
 * ```ts
 * import { readNetworkObject } from "./_kubernetes_network.ts";
 * import { readYaml } from "./_yaml.ts";
 * const yaml = readYaml("kind: Service\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n", "s.yaml");
 * const read = readNetworkObject(yaml, yaml.documents[0], {
 *   kind: "Service", apiVersion: "v1", name: "web",
 * });
 * read && "services" in read ? read.services[0].type : undefined; // "NodePort"
 * ```
 */
export function readNetworkObject(
  yaml: YamlFile,
  object: unknown,
  meta: { kind: string; apiVersion: string; name: string; namespace?: string },
): NetworkObject | undefined {
  const at = yaml.at;
  const namespaced = <T extends object>(value: T): T =>
    meta.namespace === undefined ? value : { ...value, namespace: meta.namespace };
  const spec = yaml.get(object, "spec");
  if (meta.kind === "Service" && meta.apiVersion === "v1") {
    const selectorNode = yaml.get(spec, "selector");
    const selector = yaml.isMap(selectorNode) ? textMap(yaml, selectorNode) : undefined;
    const ports: KubernetesService["ports"] = [];
    for (const item of yaml.items(yaml.get(spec, "ports"))) {
      const port: KubernetesService["ports"][number] = { location: at(item) };
      for (const key of ["name", "port", "targetPort", "nodePort"] as const) {
        const value = yaml.text(yaml.get(item, key));
        if (value !== undefined) port[key] = value;
      }
      ports.push(port);
    }
    const service: KubernetesService = {
      name: meta.name,
      type: yaml.text(yaml.get(spec, "type")) ?? "ClusterIP",
      externalIPs: yaml.items(yaml.get(spec, "externalIPs")).flatMap((n) => yaml.text(n) ?? []),
      ports,
      location: at(object),
    };
    if (selector !== undefined) service.selector = selector;
    return { services: [namespaced(service)] };
  }
  if (meta.kind === "Ingress") {
    const backends: KubernetesIngress["backends"] = [];
    const addBackend = (node: unknown, host: string | undefined) => {
      const service = yaml.get(node, "service");
      const name = yaml.text(yaml.get(service, "name")) ?? yaml.text(yaml.get(node, "serviceName"));
      if (name === undefined) return; // a resource backend: no Service
      const portNode = yaml.get(service, "port");
      const port = yaml.text(yaml.get(portNode, "number")) ??
        yaml.text(yaml.get(portNode, "name")) ??
        yaml.text(yaml.get(node, "servicePort"));
      const backend: KubernetesIngress["backends"][number] = { service: name, location: at(node) };
      if (port !== undefined) backend.port = port;
      if (host !== undefined) backend.host = host;
      backends.push(backend);
    };
    for (const key of ["defaultBackend", "backend"]) {
      const node = yaml.get(spec, key);
      if (node !== undefined) addBackend(node, undefined);
    }
    for (const rule of yaml.items(yaml.get(spec, "rules"))) {
      const host = yaml.text(yaml.get(rule, "host"));
      for (const path of yaml.items(yaml.get(yaml.get(rule, "http"), "paths"))) {
        addBackend(yaml.get(path, "backend"), host);
      }
    }
    const annotations = yaml.get(yaml.get(object, "metadata"), "annotations");
    return {
      ingresses: [namespaced({
        name: meta.name,
        annotations: textMap(yaml, annotations),
        backends,
        location: at(object),
      })],
    };
  }
  if (meta.kind === "Middleware" && /^traefik\./.test(meta.apiVersion)) {
    const authenticates = ["basicAuth", "digestAuth", "forwardAuth"]
      .some((key) => yaml.get(spec, key) !== undefined);
    return { middlewares: [namespaced({ name: meta.name, authenticates })] };
  }
  return undefined;
}

function textMap(yaml: YamlFile, node: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of yaml.entries(node)) {
    const value = yaml.text(entry.value);
    if (value !== undefined) map[entry.key] = value;
  }
  return map;
}
