/**
 * The commands that describe Tollgate itself: `checks`, `explain`, `init`, `schema`.
 *
 * @module
 */
import { stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { z } from "zod";
import { PolicyConfig } from "../core/config.ts";
import type { CheckFactory } from "../core/check.ts";
import { Report } from "../core/report.ts";
import { Snapshot } from "../core/snapshot.ts";
import { catalogue } from "../checks/mod.ts";
import { PREVENTION_BY_CHECK } from "../policies/mod.ts";
import { EXIT, UsageError } from "./_errors.ts";
import { starterTs, starterYaml } from "./_init.ts";
import type { Io, Values } from "./_options.ts";

/** The library's face beside this CLI: as source (`.ts`), or as built for npm (`.js`). */
const LIBRARY_FACE = new URL(
  import.meta.url.endsWith(".ts") ? "../mod.ts" : "../mod.js",
  import.meta.url,
);

/**
 * `tollgate checks`.
 *
 * @example
 * ```ts ignore
 * import { commandChecks } from "./_info_commands.ts";
 * ```
 */
export function commandChecks(values: Values, io: Io): number {
  const rows = [...catalogue.values()].map((f) => f.definition);
  if (values.format === "json") {
    io.stdout(
      JSON.stringify(
        rows.map((d) => ({ id: d.id, family: d.family, severity: d.severity, title: d.title })),
        null,
        2,
      ) + "\n",
    );
    return EXIT.pass;
  }
  if (values.format !== undefined && values.format !== "text") {
    throw new UsageError(`checks: --format must be text or json, got "${values.format}"`);
  }
  const width = Math.max(...rows.map((d) => d.id.length));
  for (const d of rows) io.stdout(`${d.id.padEnd(width)}  ${d.severity.padEnd(7)}  ${d.title}\n`);
  return EXIT.pass;
}

/**
 * `tollgate explain`.
 *
 * @example
 * ```ts ignore
 * import { commandExplain } from "./_info_commands.ts";
 * ```
 */
export function commandExplain(id: string, io: Io): number {
  if (!id) throw new UsageError("explain: expected a check id; 'tollgate checks' lists them");
  const factory = catalogue.get(id) as CheckFactory<z.ZodType> | undefined;
  if (!factory) {
    throw new UsageError(`explain: unknown check id "${id}"; 'tollgate checks' lists them`);
  }
  const d = factory.definition;
  const schema = z.toJSONSchema(d.params, { io: "input" }) as {
    properties?: Record<string, { description?: string; default?: unknown }>;
  };
  const lines = [
    `${d.id} — ${d.title}`,
    `family: ${d.family} · default severity: ${d.severity} · reads: ${d.needs.join(", ") || "-"}`,
    "",
    d.description,
    "",
  ];
  if (PREVENTION_BY_CHECK[d.id]) lines.push(`Enforces: ${PREVENTION_BY_CHECK[d.id]}`, "");
  const params = Object.entries(schema.properties ?? {});
  lines.push(params.length ? "Params:" : "Params: none");
  for (const [name, p] of params) {
    lines.push(
      `  ${name} (default ${JSON.stringify(p.default)})${
        p.description ? `: ${p.description}` : ""
      }`,
    );
  }
  lines.push("", `Fix: ${d.remedy}`, "", "References:");
  for (const ref of d.references) lines.push(`  ${ref.title}: ${ref.url}`);
  io.stdout(lines.join("\n") + "\n");
  return EXIT.pass;
}

/**
 * `tollgate init`.
 *
 * @example
 * ```ts ignore
 * import { commandInit } from "./_info_commands.ts";
 * ```
 */
export async function commandInit(dir: string, values: Values, io: Io): Promise<number> {
  const type = (values.type as string | undefined) ?? "yaml";
  if (type !== "yaml" && type !== "ts") {
    throw new UsageError(`init: --type must be yaml or ts, got "${type}"`);
  }
  const file = path.join(dir, type === "yaml" ? "tollgate.yaml" : "tollgate.policy.ts");
  const exists = await stat(file).then(() => true, () => false);
  if (exists && !values.force) {
    throw new UsageError(`init: ${file} already exists; pass --force to overwrite it`);
  }
  await writeFile(
    file,
    // A TS policy imports this very Tollgate, wherever it is installed or checked out.
    type === "yaml" ? starterYaml(catalogue) : starterTs(LIBRARY_FACE.href),
  );
  io.stdout(`wrote ${file}\n`);
  if (type === "ts") {
    io.stdout(
      `a TS policy runs code, so it loads only when named: tollgate check ${dir} --policy ${file}\n`,
    );
  }
  return EXIT.pass;
}

/**
 * `tollgate schema`.
 *
 * @example
 * ```ts ignore
 * import { commandSchema } from "./_info_commands.ts";
 * ```
 */
export function commandSchema(kind: string, io: Io): number {
  const schemas: Record<string, z.ZodType> = {
    snapshot: Snapshot,
    report: Report,
    policy: PolicyConfig,
  };
  const schema = Object.hasOwn(schemas, kind) ? schemas[kind] : undefined;
  if (!schema) {
    throw new UsageError(`schema: expected snapshot, report or policy, got "${kind || "nothing"}"`);
  }
  io.stdout(JSON.stringify(z.toJSONSchema(schema, { io: "input" }), null, 2) + "\n");
  return EXIT.pass;
}
