/**
 * The walk over a BOM's components and dependency graph: components (nested ones too) become
 * packages and model references, `dependencies` become `dependsOn` and `direct`, and what cannot
 * be placed is a problem at its key path. Bounded in components, nesting, edges and problems.
 *
 * @module
 */
import { formatKeyPath } from "../../core/issues.ts";
import { parsePurl } from "../../core/purl.ts";
import type { ModelReference, Package, Problem } from "../../core/snapshot.ts";
import { redactUrlsIn } from "../../packaging/mod.ts";
import {
  type BomValues,
  describeJson,
  type KeyPath,
  readComponent,
  readHashes,
} from "./_bom_json.ts";
import {
  condaPackage,
  huggingfaceModel,
  pypiPackage,
  type ReportProblem,
} from "./_component_facts.ts";

/**
 * Most components read from one BOM, nested ones included; the rest are reported, not read.
 *
 * @example
 * ```ts
 * import { MAX_BOM_COMPONENTS } from "./_bom_walk.ts";
 * MAX_BOM_COMPONENTS; // 100,000
 * ```
 */
export const MAX_BOM_COMPONENTS = 100_000;

/**
 * Deepest `components[].components` nesting read (cdxgen nests one level, for a package's files);
 * deeper components are reported, not read.
 *
 * @example
 * ```ts
 * import { MAX_BOM_NESTING } from "./_bom_walk.ts";
 * MAX_BOM_NESTING; // 16
 * ```
 */
export const MAX_BOM_NESTING = 16;

/** Most dependency edges read, and most problems listed one by one. */
const MAX_EDGES = 1_000_000;
const MAX_PROBLEMS = 100;

/** Problems at key paths of the BOM, the first {@linkcode MAX_PROBLEMS} listed one by one. */
export function problemList(file: string): { report: ReportProblem; list: () => Problem[] } {
  const problems: Problem[] = [];
  let unlisted = 0;
  return {
    report(at, message) {
      if (problems.length >= MAX_PROBLEMS) unlisted++;
      else {
        const where = formatKeyPath(at);
        problems.push({ file, message: redactUrlsIn(where ? `${where}: ${message}` : message) });
      }
    },
    list: () =>
      unlisted === 0 ? problems : [
        ...problems,
        { file, message: `${unlisted} more problems in this BOM are not listed` },
      ],
  };
}

/** The facts read from components, and each package by its component's (unique) `bom-ref`. */
export interface ComponentFacts {
  packages: Package[];
  models: ModelReference[];
  byRef: Map<string, Package>;
}

/** Component types that name software a Python package could be: without a package URL, a gap. */
const PACKAGE_TYPES = new Set(["library", "framework"]);

/**
 * Walk `components` depth first, nested ones included. A `file` component without a package URL
 * nested in another is one of that component's distribution files (cdxgen writes a poetry.lock's
 * wheels and sdists so): its hashes are the package's.
 */
export function readComponents(
  values: BomValues,
  top: unknown[],
  report: ReportProblem,
): ComponentFacts {
  const facts: ComponentFacts = { packages: [], models: [], byRef: new Map() };
  const stack = top.map((value, index) => ({
    value,
    path: ["components", index] as KeyPath,
    depth: 1,
  }))
    .reverse();
  let count = 0;
  while (stack.length > 0) {
    const { value, path: at, depth } = stack.pop()!;
    if (++count > MAX_BOM_COMPONENTS) {
      report(at, `more than ${MAX_BOM_COMPONENTS} components; this one and the rest are not read`);
      break;
    }
    const component = readComponent(values, value, at);
    const children: typeof stack = [];
    for (const [index, child] of component.components.entries()) {
      const childPath = [...at, "components", index];
      const object = values.element(child, childPath);
      if (object.type === "file" && object.purl === undefined) {
        component.hashes.push(...readHashes(values, object, childPath));
      } else if (depth >= MAX_BOM_NESTING) {
        report(childPath, `components nested more than ${MAX_BOM_NESTING} deep are not read`);
        break;
      } else children.push({ value: child, path: childPath, depth: depth + 1 });
    }
    stack.push(...children.reverse());
    const options = { file: values.file, report };
    const purl = component.purl === undefined ? undefined : parsePurl(component.purl);
    if (component.purl !== undefined && purl === undefined) {
      report([...at, "purl"], `${describeJson(component.purl)} is not a package URL; not read`);
    } else if (purl === undefined) {
      if (component.type === "machine-learning-model") {
        report(
          at,
          `model "${component.name}" has no package URL: where it is loaded from is unknown`,
        );
      } else if (PACKAGE_TYPES.has(component.type)) {
        report(
          at,
          `${component.type} "${component.name}" has no package URL: its ecosystem is unknown`,
        );
      }
    } else if (purl.type === "pypi" || purl.type === "conda") {
      const pkg = purl.type === "pypi"
        ? pypiPackage(component, purl, options)
        : condaPackage(component, purl, options);
      facts.packages.push(pkg);
      if (component.bomRef === undefined) continue;
      // bom-refs are unique in a valid BOM; a repeated one would let the graph name either.
      if (facts.byRef.has(component.bomRef)) {
        report([...at, "bom-ref"], `${describeJson(component.bomRef)} is used twice; not linked`);
      } else facts.byRef.set(component.bomRef, pkg);
    } else if (purl.type === "huggingface" && component.type !== "data") {
      const model = huggingfaceModel(purl, values.file);
      if (model !== undefined) facts.models.push(model);
      else {
        const found = describeJson(component.purl);
        report([...at, "purl"], `expected pkg:huggingface/<publisher>/<name>, found ${found}`);
      }
    } else if (component.type === "machine-learning-model") {
      report(
        [...at, "purl"],
        `model "${component.name}" is not on the Hugging Face hub (${purl.type}); not read`,
      );
    }
  }
  return facts;
}

/**
 * Read `dependencies` into each package's `dependsOn` (names of the packages of its ecosystem it
 * depends on, sorted and unique) and `direct`. A package is direct when the BOM's own component
 * (`metadata.component`) lists it; a BOM that records no dependencies of its own component
 * (cdxgen's never does for Python) cannot tell, and every package keeps `direct: false`, as the
 * lock readers do when they cannot tell.
 */
export function linkDependencies(
  values: BomValues,
  bom: Record<string, unknown>,
  context: ComponentFacts & { projectRef?: string; report: ReportProblem },
): void {
  const edges = new Map<string, Set<string>>();
  let count = 0;
  for (const [index, entry] of values.array(bom, "dependencies", []).entries()) {
    const at = ["dependencies", index];
    const dependency = values.element(entry, at);
    const ref = values.string(dependency, "ref", at);
    if (ref === undefined) {
      values.fail([...at, "ref"], "expected the dependent's bom-ref, found nothing");
    }
    const targets = edges.get(ref) ?? new Set<string>();
    edges.set(ref, targets);
    const dependsOn = values.array(dependency, "dependsOn", at);
    count += dependsOn.length;
    if (count > MAX_EDGES) {
      context.report(
        at,
        `more than ${MAX_EDGES} dependency edges; this entry and the rest are not read`,
      );
      break;
    }
    for (const [position, target] of dependsOn.entries()) {
      targets.add(values.text(target, [...at, "dependsOn", position])!);
    }
  }
  const direct = context.projectRef === undefined ? undefined : edges.get(context.projectRef);
  for (const [ref, pkg] of context.byRef) {
    if (direct !== undefined) pkg.direct = direct.has(ref);
    const targets = edges.get(ref);
    if (targets === undefined) continue;
    const names = [...targets].flatMap((target) => context.byRef.get(target) ?? [])
      .filter((other) => other.ecosystem === pkg.ecosystem && other.name !== pkg.name)
      .map((other) => other.name);
    pkg.dependsOn = [...new Set(names)].sort();
  }
}
