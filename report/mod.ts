/**
 * Report formatters by name.
 *
 * @module
 */
import type { Report } from "../core/report.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { formatCyclonedx } from "./cyclonedx.ts";
import { formatGithub } from "./github.ts";
import { formatJson } from "./json.ts";
import { formatJunit } from "./junit.ts";
import { formatMarkdown } from "./markdown.ts";
import type { RuleInfo } from "./rules.ts";
import { formatSarif } from "./sarif.ts";
import { formatText } from "./text.ts";

export {
  type CyclonedxBom,
  cyclonedxBom,
  type CyclonedxComponent,
  type CyclonedxDependency,
  type CyclonedxExternalReference,
  type CyclonedxHash,
  type CyclonedxOccurrence,
  type CyclonedxOptions,
  type CyclonedxProperty,
  formatCyclonedx,
} from "./cyclonedx.ts";
export { escapeData, escapeProperty, formatGithub, type GithubOptions } from "./github.ts";
export { formatJson } from "./json.ts";
export { formatJunit, xmlAttribute, xmlText } from "./junit.ts";
export {
  formatMarkdown,
  htmlText,
  MARKDOWN_LIMIT,
  type MarkdownOptions,
  markdownText,
} from "./markdown.ts";
export { type RuleInfo, rulesForResults, rulesOf } from "./rules.ts";
export {
  FINGERPRINT_KEY,
  formatSarif,
  SARIF_SEVERITY,
  type SarifOptions,
  TOLLGATE_URI,
} from "./sarif.ts";
export { formatText, type TextOptions } from "./text.ts";

/**
 * Options every formatter accepts (each uses what applies to it).
 *
 * @example
 * ```ts
 * import type { FormatOptions } from "./mod.ts";
 * const options: FormatOptions = { color: false, quiet: true, pathPrefix: "services/train" };
 * ```
 */
export interface FormatOptions {
  /** ANSI colour (text only). */
  color?: boolean;
  /** Less detail (text only). */
  quiet?: boolean;
  /**
   * The check catalogue, `rulesOf(policy)` (SARIF rules); a report names only each check's id,
   * title and family.
   */
  checks?: readonly RuleInfo[];
  /**
   * The project's folder inside the repository, put before project paths where tools resolve them
   * from the repository root (SARIF, GitHub annotations).
   */
  pathPrefix?: string;
  /**
   * The snapshot the report was evaluated on (CycloneDX, which writes the snapshot's packages,
   * models and model files, with the report's verdict on each).
   */
  snapshot?: Snapshot;
}

/**
 * A formatter: renders a report, never changes a verdict.
 *
 * @example
 * ```ts
 * import { type Formatter, formatters } from "./mod.ts";
 * const json: Formatter = formatters.json;
 * ```
 */
export type Formatter = (report: Report, options: FormatOptions) => string;

/**
 * Formatters keyed by `--format` name. `cyclonedx` needs `options.snapshot` and throws a
 * `TypeError` whose message starts with `snapshot:` without it.
 *
 * @example
 * ```ts
 * import { formatters } from "./mod.ts";
 * Object.keys(formatters); // ["text", "json", "sarif", "junit", "markdown", "github", "cyclonedx"]
 * ```
 */
export const formatters: Readonly<Record<string, Formatter>> = {
  text: formatText,
  json: (report) => formatJson(report),
  sarif: (report, options) =>
    formatSarif(report, { checks: options.checks, pathPrefix: options.pathPrefix }),
  junit: (report) => formatJunit(report),
  markdown: (report) => formatMarkdown(report),
  github: (report, options) => formatGithub(report, { pathPrefix: options.pathPrefix }),
  cyclonedx: (report, options) => {
    if (options.snapshot === undefined) {
      throw new TypeError(
        "snapshot: the cyclonedx format writes the snapshot the report was evaluated on; " +
          "pass it as options.snapshot",
      );
    }
    return formatCyclonedx({ snapshot: options.snapshot, report });
  },
};
