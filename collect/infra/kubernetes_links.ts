/**
 * Kubernetes exposure across manifests: a Service of type LoadBalancer or NodePort, or one with
 * `externalIPs`, exposes the containers of the workloads its selector matches; an Ingress exposes
 * the workloads behind the Services its rules route to, with or without authentication in front.
 * The manifests are often split over several files (deployment.yaml, service.yaml, ingress.yaml),
 * so the reader records each object and this module links them once every file is read.
 *
 * Rules:
 * - A Service selects a workload when every `selector` label is among its pod template's labels,
 *   in the same namespace (an object without a namespace matches any: the namespace is often given
 *   at deploy time).
 * - A Service port's `targetPort` (default: its `port`) names a container port by name or number;
 *   the exposure's unit is each container declaring it (`Kind/name/container`), or every container
 *   of the workload when none declares it (declaring ports is optional).
 * - An Ingress backend names a Service and its port (by number or name); the Ingress exposes what
 *   that port reaches. A Service or workload not found in the project leaves the unit
 *   `Service/name`, so the exposure is still seen.
 * - LoadBalancer: `hostPort` is the Service's `port`; NodePort: its `nodePort` (absent: the
 *   cluster picks one); `externalIPs`: `hostIp` each address, `hostPort` the `port`.
 *
 * Authentication in front of an Ingress (`authenticated: true`), from its annotations:
 * - ingress-nginx: `nginx.ingress.kubernetes.io/auth-type` (basic, digest), `auth-url` (external
 *   auth, such as oauth2-proxy), `auth-signin`, `auth-tls-verify-client: on` (client
 *   certificates);
 * - NGINX Inc.: `nginx.org/basic-auth-secret`, `nginx.com/jwt-key`;
 * - Traefik 1.x and haproxy-ingress: `ingress.kubernetes.io/auth-type`, `ingress.kubernetes.io/auth-url`,
 *   `haproxy-ingress.github.io/auth-type`, `haproxy-ingress.github.io/auth-url`; HAProxy
 *   Technologies: `haproxy.org/auth-type`;
 * - AWS Load Balancer Controller: `alb.ingress.kubernetes.io/auth-type` other than `none`;
 * - Traefik 2+: `traefik.ingress.kubernetes.io/router.middlewares` naming a Middleware that the
 *   project defines with `basicAuth`, `digestAuth` or `forwardAuth`, or, when the project does not
 *   define it, whose name says auth (`auth`, `oauth`, `oidc`, `sso`, `jwt`, `authelia`,
 *   `authentik`, `keycloak`, `ldap`);
 * - Kong: `konghq.com/plugins` naming such a plugin (`basic-auth`, `key-auth`, `jwt`, `oauth2`,
 *   `openid-connect`…).
 *
 * With none of them the Ingress is `authenticated: false`: as far as the definition says, nothing
 * stands in front. Authentication configured elsewhere (a controller-wide `global-auth-url`, an
 * Istio AuthorizationPolicy, GCP IAP through a BackendConfig) is not seen.
 *
 * @module
 */
import type { Exposure, Location } from "../../core/snapshot.ts";

/** A workload's pod template, as the linker needs it. */
export interface KubernetesWorkload {
  /** Its namespace, when written. */
  namespace?: string;
  /** Its pod template's labels. */
  labels: Record<string, string>;
  /** Its containers: launch unit and declared ports. */
  containers: { unit: string; ports: { name?: string; port: string }[] }[];
}

/** A Service, as the linker needs it. */
export interface KubernetesService {
  /** Its name. */
  name: string;
  /** Its namespace, when written. */
  namespace?: string;
  /** Its `type` (default ClusterIP). */
  type: string;
  /** Its selector; absent or empty: it selects no pods. */
  selector?: Record<string, string>;
  /** `externalIPs`. */
  externalIPs: string[];
  /** Its ports. */
  ports: {
    name?: string;
    port?: string;
    targetPort?: string;
    nodePort?: string;
    location: Location;
  }[];
  /** Where it is declared. */
  location: Location;
}

/** An Ingress, as the linker needs it. */
export interface KubernetesIngress {
  /** Its name. */
  name: string;
  /** Its namespace, when written. */
  namespace?: string;
  /** Its annotations. */
  annotations: Record<string, string>;
  /** Each backend: the Service, its port (number or name), the rule's host. */
  backends: { service: string; port?: string; host?: string; location: Location }[];
  /** Where it is declared. */
  location: Location;
}

/** A Traefik Middleware, as the linker needs it. */
export interface TraefikMiddleware {
  /** Its name. */
  name: string;
  /** Its namespace, when written. */
  namespace?: string;
  /** Whether it authenticates (`basicAuth`, `digestAuth`, `forwardAuth`). */
  authenticates: boolean;
}

/** The objects of one or more manifests that take part in exposure. */
export interface KubernetesObjects {
  /** Workloads' pod templates. */
  workloads: KubernetesWorkload[];
  /** Services. */
  services: KubernetesService[];
  /** Ingresses. */
  ingresses: KubernetesIngress[];
  /** Traefik Middlewares. */
  middlewares: TraefikMiddleware[];
}

/**
 * The exposures the Services and Ingresses of a project make, once all manifests are read.
 *
 * @param objects Each manifest's objects.
 * @returns The exposures, one per Service or Ingress backend port and exposed container.
 * @example
 * ```ts
 * import { linkKubernetes } from "./kubernetes_links.ts";
 * const exposures = linkKubernetes([{
 *   workloads: [{ labels: { app: "ray" }, containers: [{ unit: "Deployment/ray-head/ray-head", ports: [{ name: "dashboard", port: "8265" }] }] }],
 *   services: [{ name: "ray-head", type: "LoadBalancer", selector: { app: "ray" }, externalIPs: [],
 *     ports: [{ port: "8265", targetPort: "dashboard", location: { file: "svc.yaml", line: 9 } }],
 *     location: { file: "svc.yaml", line: 2 } }],
 *   ingresses: [], middlewares: [],
 * }]);
 * exposures[0].unit; // "Deployment/ray-head/ray-head"
 * exposures[0].port; // "8265"
 * ```
 */
export function linkKubernetes(objects: readonly KubernetesObjects[]): Exposure[] {
  const workloads = objects.flatMap((o) => o.workloads);
  const services = objects.flatMap((o) => o.services);
  const middlewares = objects.flatMap((o) => o.middlewares);
  const exposures: Exposure[] = [];
  for (const service of services) {
    const via = service.type === "LoadBalancer"
      ? "load-balancer"
      : service.type === "NodePort"
      ? "node-port"
      : undefined;
    for (const port of service.ports) {
      for (const target of targetsOf(service, port, workloads)) {
        if (via !== undefined) {
          const hostPort = via === "load-balancer" ? port.port : port.nodePort;
          exposures.push(
            exposure({ unit: target.unit, via, hostPort, port: target.port }, port.location),
          );
        }
        for (const ip of service.externalIPs) {
          exposures.push(exposure(
            {
              unit: target.unit,
              via: "load-balancer",
              hostIp: ip,
              hostPort: port.port,
              port: target.port,
            },
            port.location,
          ));
        }
      }
    }
  }
  for (const ingress of objects.flatMap((o) => o.ingresses)) {
    const authenticated = ingressAuthenticated(ingress, middlewares);
    for (const backend of ingress.backends) {
      const service = services.find((s) =>
        s.name === backend.service && sameNamespace(s.namespace, ingress.namespace)
      );
      const port = service?.ports.find((p) =>
        backend.port === undefined || p.port === backend.port || p.name === backend.port
      );
      const targets = service && port
        ? targetsOf(service, port, workloads)
        : [{ unit: `Service/${backend.service}`, port: backend.port }];
      for (const target of targets) {
        const found = exposure(
          { unit: target.unit, via: "ingress", port: target.port },
          backend.location,
        );
        if (backend.host !== undefined) found.hosts = [backend.host];
        found.authenticated = authenticated;
        exposures.push(found);
      }
    }
  }
  return exposures;
}

/** The containers (unit, container port) a Service port reaches. */
function targetsOf(
  service: KubernetesService,
  port: KubernetesService["ports"][number],
  workloads: KubernetesWorkload[],
): { unit: string; port?: string }[] {
  const target = port.targetPort ?? port.port;
  const selector = Object.entries(service.selector ?? {});
  const selected = selector.length === 0
    ? []
    : workloads.filter((w) =>
      sameNamespace(w.namespace, service.namespace) &&
      selector.every(([key, value]) => w.labels[key] === value)
    );
  const targets: { unit: string; port?: string }[] = [];
  for (const workload of selected) {
    const declaring = workload.containers.flatMap((c) =>
      c.ports.filter((p) => p.name === target || p.port === target)
        .map((p) => ({ unit: c.unit, port: p.port }))
    );
    if (declaring.length > 0) targets.push(...declaring);
    else targets.push(...workload.containers.map((c) => ({ unit: c.unit, port: target })));
  }
  return targets.length > 0 ? targets : [{ unit: `Service/${service.name}`, port: target }];
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function exposure(
  fields: Pick<Exposure, "unit" | "via" | "hostIp" | "hostPort" | "port">,
  location: Location,
): Exposure {
  const found: Exposure = { origin: "kubernetes", unit: fields.unit, via: fields.via, location };
  if (fields.hostIp !== undefined) found.hostIp = fields.hostIp;
  if (fields.hostPort !== undefined) found.hostPort = fields.hostPort;
  if (fields.port !== undefined) found.port = fields.port;
  return found;
}

/** Annotations whose presence (non-empty, not `none`/`false`/`off`) puts auth in front. */
const AUTH_ANNOTATIONS = new Set([
  "nginx.ingress.kubernetes.io/auth-type",
  "nginx.ingress.kubernetes.io/auth-url",
  "nginx.ingress.kubernetes.io/auth-signin",
  "nginx.org/basic-auth-secret",
  "nginx.com/jwt-key",
  "ingress.kubernetes.io/auth-type",
  "ingress.kubernetes.io/auth-url",
  "haproxy-ingress.github.io/auth-type",
  "haproxy-ingress.github.io/auth-url",
  "haproxy.org/auth-type",
  "alb.ingress.kubernetes.io/auth-type",
]);

/** Names of middlewares and plugins that authenticate. */
const AUTH_WORD = /auth|oidc|openid|sso|jwt|keycloak|ldap/i;

/**
 * Whether an Ingress's annotations put authentication in front of it (the list is in the module
 * documentation).
 *
 * @param ingress The Ingress.
 * @param middlewares The project's Traefik Middlewares.
 * @returns True when one of the annotations does.
 * @example
 * ```ts
 * import { ingressAuthenticated } from "./kubernetes_links.ts";
 * const ingress = { name: "mlflow", backends: [], location: { file: "i.yaml" },
 *   annotations: { "nginx.ingress.kubernetes.io/auth-url": "https://oauth2.example.com/oauth2/auth" } };
 * ingressAuthenticated(ingress, []); // true
 * ```
 */
export function ingressAuthenticated(
  ingress: KubernetesIngress,
  middlewares: readonly TraefikMiddleware[],
): boolean {
  for (const [key, raw] of Object.entries(ingress.annotations)) {
    const value = raw.trim();
    if (AUTH_ANNOTATIONS.has(key) && value !== "" && !/^(?:none|false|off)$/i.test(value)) {
      return true;
    }
    if (key === "nginx.ingress.kubernetes.io/auth-tls-verify-client" && value === "on") return true;
    if (key === "traefik.ingress.kubernetes.io/router.middlewares") {
      for (const ref of value.split(",").map((r) => r.trim().replace(/@.*$/, "")).filter(Boolean)) {
        const defined = middlewares.find((m) =>
          (m.namespace === undefined ? m.name : `${m.namespace}-${m.name}`) === ref ||
          (ingress.namespace !== undefined && m.namespace === undefined &&
            `${ingress.namespace}-${m.name}` === ref)
        );
        if (defined ? defined.authenticates : AUTH_WORD.test(ref)) return true;
      }
    }
    if (key === "konghq.com/plugins" && value.split(",").some((p) => AUTH_WORD.test(p))) {
      return true;
    }
  }
  return false;
}
