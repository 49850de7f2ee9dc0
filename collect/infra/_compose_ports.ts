/**
 * A compose service's published ports: `ports` in the short syntax, read as Docker reads it
 * (`[HOST:]CONTAINER[/PROTOCOL]`, `HOST` being `[IP:](port | range)`; the IP may be IPv6, in
 * brackets or not; `IP::CONTAINER` leaves the host port to the engine). Interpolations
 * (`${PORT:-5000}`) are kept as written and not validated: their value is known at run time only.
 * The long syntax (`target`, `published`, `host_ip`, `protocol`) and `expose` too.
 *
 * @module
 */
import type { Exposure, Location } from "../../core/snapshot.ts";
import type { YamlFile } from "./_yaml.ts";

/** A published port as the short syntax writes it. */
export interface PortSpec {
  /** The host address, without brackets; absent means every interface. */
  hostIp?: string;
  /** The host port or range; absent when the engine picks one. */
  hostPort?: string;
  /** The container port or range, with `/udp` or `/sctp` when not TCP. */
  port: string;
}

/**
 * Parse one short-syntax `ports` entry.
 *
 * @param spec The entry as written (`"127.0.0.1:5000:5000"`, `"[::1]:8888:8888"`, `"6006"`).
 * @returns The parts, or an error message saying what is wrong.
 * @example
 * ```ts
 * import { parsePortSpec } from "./_compose_ports.ts";
 * parsePortSpec("127.0.0.1:5000:5000"); // { hostIp: "127.0.0.1", hostPort: "5000", port: "5000" }
 * parsePortSpec("[::1]:8888:8888/tcp"); // { hostIp: "::1", hostPort: "8888", port: "8888" }
 * parsePortSpec("6060:6060/udp"); // { hostPort: "6060", port: "6060/udp" }
 * parsePortSpec("5000:70000"); // { error: "container port 70000 is not a port (0 to 65535)" }
 * ```
 */
export function parsePortSpec(spec: string): PortSpec | { error: string } {
  // Interpolations may hold ':' (`${PORT:-5000}`): mask them while splitting.
  const masked: string[] = [];
  const text = spec.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (match) => {
    masked.push(match);
    return `\uE000${masked.length - 1}\uE001`;
  });
  const restore = (part: string) => part.replace(/\uE000(\d+)\uE001/g, (_, n) => masked[Number(n)]);
  const interpolated = (part: string) => /\uE000/.test(part);

  const parts = text.split(":");
  const last = parts[parts.length - 1];
  const hostPort = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  let ip = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(":") : "";
  const slash = last.indexOf("/");
  const container = slash < 0 ? last : last.slice(0, slash);
  const protocol = slash < 0 ? "tcp" : (last.slice(slash + 1).split("/")[0] || "tcp").toLowerCase();

  if (ip.startsWith("[")) {
    if (!/^\[[^\]]*\]$/.test(ip)) {
      return { error: `host address ${restore(ip)} is not an IP address` };
    }
    ip = ip.slice(1, -1);
  }
  if (ip !== "" && !interpolated(ip) && !isIpAddress(ip)) {
    return { error: `host address ${restore(ip)} is not an IP address` };
  }
  if (container === "") return { error: "no container port" };
  const containerError = interpolated(container) ? undefined : rangeError(container, "container");
  if (containerError) return { error: containerError };
  if (hostPort !== undefined && hostPort !== "" && !interpolated(hostPort)) {
    const hostError = rangeError(hostPort, "host");
    if (hostError) return { error: hostError };
    // A host range may map one container port (the engine picks within it); not two sizes.
    if (!interpolated(container) && span(container) !== 0 && span(hostPort) !== span(container)) {
      return { error: `host range ${hostPort} and container range ${container} differ in size` };
    }
  }
  if (!["tcp", "udp", "sctp"].includes(protocol)) {
    return { error: `protocol ${protocol} is not tcp, udp or sctp` };
  }
  const found: PortSpec = { port: restore(container) + (protocol === "tcp" ? "" : `/${protocol}`) };
  if (ip !== "") found.hostIp = restore(ip);
  if (hostPort !== undefined && hostPort !== "") found.hostPort = restore(hostPort);
  return sorted(found);
}

/** Keys in one order whatever was set first, so results compare equal. */
function sorted(spec: PortSpec): PortSpec {
  const out: PortSpec = {} as PortSpec;
  if (spec.hostIp !== undefined) out.hostIp = spec.hostIp;
  if (spec.hostPort !== undefined) out.hostPort = spec.hostPort;
  out.port = spec.port;
  return out;
}

/** What is wrong with a port or `start-end` range, as Docker reads it; undefined when valid. */
function rangeError(range: string, side: string): string | undefined {
  const bounds = range.split("-");
  if (bounds.length > 2) return `${side} port ${range} is not a port or range`;
  for (const bound of bounds) {
    if (!/^[0-9]{1,5}$/.test(bound)) return `${side} port ${range} is not a port or range`;
    if (Number(bound) > 65535) return `${side} port ${bound} is not a port (0 to 65535)`;
  }
  if (bounds.length === 2 && Number(bounds[1]) < Number(bounds[0])) {
    return `${side} range ${range} ends before it starts`;
  }
  return undefined;
}

function span(range: string): number {
  const [start, end = start] = range.split("-");
  return Number(end) - Number(start);
}

/** A dotted IPv4 address or an IPv6 address (RFC 4291 text forms). */
function isIpAddress(ip: string): boolean {
  const v4 =
    /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
  if (v4.test(ip)) return true;
  if (!/^[0-9A-Fa-f:.]+$/.test(ip) || !ip.includes(":")) return false;
  try {
    return new URL(`http://[${ip}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/**
 * A compose service's `ports` (short and long syntax) and `expose` entries as exposures.
 *
 * @param yaml The file.
 * @param service The service's mapping.
 * @param options The service's name (`unit`), the `file`, and where problems go.
 * @returns The exposures.
 * @example
 * ```ts
 * import { composePortExposures } from "./_compose_ports.ts";
 * import { readYaml } from "./_yaml.ts";
 * const yaml = readYaml("ports: ['127.0.0.1:5000:5000']\n", "compose.yaml");
 * composePortExposures(yaml, yaml.documents[0], { unit: "mlflow", file: "compose.yaml", problem: () => {} })[0]
 *   .hostIp; // "127.0.0.1"
 * ```
 */
export function composePortExposures(
  yaml: YamlFile,
  service: unknown,
  options: { unit: string; file: string; problem: (node: unknown, message: string) => void },
): Exposure[] {
  const { unit, file, problem } = options;
  const exposures: Exposure[] = [];
  for (const item of yaml.items(yaml.get(service, "ports"))) {
    const location = { file, line: yaml.line(item) };
    if (yaml.isMap(item)) {
      const target = yaml.text(yaml.get(item, "target"));
      if (target === undefined) {
        problem(item, "a ports entry has no target");
        continue;
      }
      const published = yaml.text(yaml.get(item, "published"));
      const hostIp = yaml.text(yaml.get(item, "host_ip"));
      const protocol = yaml.text(yaml.get(item, "protocol"))?.toLowerCase() ?? "tcp";
      const exposure: Exposure = {
        origin: "compose",
        unit,
        via: "port",
        port: target + (protocol === "tcp" ? "" : `/${protocol}`),
        location: clean(location),
      };
      if (hostIp !== undefined && hostIp !== "") {
        exposure.hostIp = hostIp.replace(/^\[(.*)\]$/, "$1");
      }
      if (published !== undefined && published !== "") exposure.hostPort = published;
      exposures.push(exposure);
      continue;
    }
    const spec = yaml.text(item);
    if (spec === undefined) {
      problem(item, "a ports entry is neither a string nor a mapping");
      continue;
    }
    const parsed = parsePortSpec(spec);
    if ("error" in parsed) {
      problem(item, `ports entry ${JSON.stringify(spec)}: ${parsed.error}`);
      continue;
    }
    exposures.push({ origin: "compose", unit, via: "port", ...parsed, location: clean(location) });
  }
  for (const item of yaml.items(yaml.get(service, "expose"))) {
    const port = yaml.text(item);
    if (port === undefined) continue;
    exposures.push({
      origin: "compose",
      unit,
      via: "expose",
      port: port.replace(/\/tcp$/i, ""),
      location: clean({ file, line: yaml.line(item) }),
    });
  }
  return exposures;
}

function clean(location: { file: string; line?: number }): Location {
  return location.line === undefined ? { file: location.file } : location;
}
