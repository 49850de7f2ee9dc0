/**
 * Who can reach a unit: what publishes it (a compose port on a network address, a LoadBalancer or
 * NodePort Service, an Ingress without authentication, host networking, the Procfile `web`
 * process), or only its compose network or cluster, or nobody Tollgate can tell.
 *
 * @module
 */
import type { Exposure, InfraOrigin, Launch, Location } from "../../core/snapshot.ts";
import { shown } from "./_judgement.ts";

/** One way to the unit from outside. */
export interface Route {
  /** For a message: `published on 0.0.0.0:5000`. */
  shown: string;
  /** What opens it. */
  via: Exposure["via"] | "procfile";
  /** Where it is declared. */
  location: Location;
}

/** How far a unit is reachable. */
export interface Reach {
  /**
   * `published`: from outside its host or cluster; `proxied`: only through an authenticating
   * Ingress; `internal`: from its compose network or cluster only; `unknown`: where it runs, or a
   * route whose address or authentication is known only at run time, decides.
   */
  level: "published" | "proxied" | "internal" | "unknown";
  /** The routes behind the level (published or unknown ones), for the message and evidence. */
  routes: Route[];
  /** For a message when there is no route: `reachable from the compose network`. */
  shown: string;
}

const MAX_EXPOSURES = 10_000;

/** Deployment files whose units live in the same namespace as the exposures that name them. */
function family(origin: InfraOrigin): string | undefined {
  return origin === "compose"
    ? "compose"
    : origin === "kubernetes" || origin === "helm"
    ? "cluster"
    : undefined;
}

/**
 * Whether an exposure names the launch's unit (or the workload the container is part of). Compose
 * merges only the files of one directory (compose.yaml and its overrides), so a service of another
 * compose project with the same name is another service.
 */
function exposes(
  exposure: Exposure,
  launch: Pick<Launch, "origin" | "unit" | "location">,
): boolean {
  const kind = family(launch.origin);
  if (kind === undefined || family(exposure.origin) !== kind) return false;
  if (kind === "compose" && folder(exposure.location.file) !== folder(launch.location.file)) {
    return false;
  }
  return exposure.unit === launch.unit || launch.unit.startsWith(`${exposure.unit}/`);
}

function folder(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "" : file.slice(0, slash);
}

/** Whether a port as written (`8080`, `8000-8002`, `5000/tcp`) includes `port`; true when unsure. */
function includesPort(written: string | undefined, port: string | undefined): boolean {
  if (written === undefined || port === undefined) return true;
  const range = /^(\d+)(?:-(\d+))?(?:\/\w+)?$/.exec(written.trim());
  if (!range) return true;
  const low = Number(range[1]);
  const high = Number(range[2] ?? range[1]);
  return Number(port) >= low && Number(port) <= high;
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === "::1" || address === "[::1]" ||
    address === "localhost";
}

/** The route an exposure opens, or why it opens none. */
function routeOf(exposure: Exposure): { level: Reach["level"]; shown: string } | undefined {
  const ports = exposure.hostPort ?? exposure.port ?? "?";
  switch (exposure.via) {
    case "port": {
      const address = exposure.hostIp?.trim();
      if (address !== undefined && isLoopback(address)) return undefined;
      if (address !== undefined && address.includes("$")) {
        return {
          level: "unknown",
          shown: `published on ${shown(address, 40)}:${shown(ports, 20)}, an address known only ` +
            "at run time",
        };
      }
      const on = address === undefined || address === "0.0.0.0" || address === "::"
        ? "every interface of the host"
        : shown(address, 40);
      return { level: "published", shown: `published on ${on}, port ${shown(ports, 20)}` };
    }
    case "load-balancer":
      return { level: "published", shown: "exposed by a LoadBalancer Service" };
    case "node-port":
      return {
        level: "published",
        shown: `exposed on port ${shown(exposure.hostPort ?? "?", 20)} of every node by a ` +
          "NodePort Service",
      };
    case "ingress": {
      const hosts = exposure.hosts?.length
        ? exposure.hosts.slice(0, 3).map((h) => shown(h, 60)).join(", ")
        : "any host";
      if (exposure.authenticated === true) return { level: "proxied", shown: "" };
      return exposure.authenticated === false
        ? { level: "published", shown: `routed from ${hosts} by an Ingress without authentication` }
        : {
          level: "unknown",
          shown: `routed from ${hosts} by an Ingress whose authentication Tollgate cannot tell`,
        };
    }
    case "host-network":
      return { level: "published", shown: "on the host's network (host networking)" };
    case "expose":
      return undefined; // documentation only: EXPOSE publishes nothing
  }
}

/**
 * How far a launch's unit is reachable.
 *
 * @param launch The launch (its origin and unit).
 * @param exposures Every exposure in the snapshot.
 * @param port The port the service listens on, when its command line names it: exposures of
 *   other ports do not reach it.
 * @returns The reach.
 */
export function reachOf(
  launch: Pick<Launch, "origin" | "unit" | "location">,
  exposures: readonly Exposure[],
  port?: string,
): Reach {
  const routes: Record<"published" | "unknown", Route[]> = { published: [], unknown: [] };
  let proxied = false;
  for (const exposure of exposures.slice(0, MAX_EXPOSURES)) {
    if (!exposes(exposure, launch)) continue;
    if (exposure.via !== "ingress" && !includesPort(exposure.port, port)) continue;
    const route = routeOf(exposure);
    if (route === undefined) continue;
    if (route.level === "proxied") proxied = true;
    else if (route.level === "published" || route.level === "unknown") {
      routes[route.level].push({
        shown: route.shown,
        via: exposure.via,
        location: exposure.location,
      });
    }
  }
  if (routes.published.length > 0) {
    return { level: "published", routes: routes.published, shown: "" };
  }
  if (routes.unknown.length > 0) return { level: "unknown", routes: routes.unknown, shown: "" };
  if (proxied) return { level: "proxied", routes: [], shown: "behind an authenticating Ingress" };
  if (launch.origin === "procfile" && launch.unit === "web") {
    return {
      level: "published",
      routes: [{
        shown: "run as the Procfile web process, which the platform routes from the internet",
        via: "procfile",
        location: launch.location,
      }],
      shown: "",
    };
  }
  switch (family(launch.origin)) {
    case "compose":
      return { level: "internal", routes: [], shown: "reachable from its compose network" };
    case "cluster":
      return { level: "internal", routes: [], shown: "reachable from inside the cluster" };
    default:
      return {
        level: "unknown",
        routes: [],
        shown: "reachable from whatever network runs it",
      };
  }
}
