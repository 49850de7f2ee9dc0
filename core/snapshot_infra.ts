/**
 * Snapshot facts about the project's infrastructure: MLOps service definitions and CODEOWNERS
 * rules.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";

/**
 * An MLOps service definition (compose service, Kubernetes container, Dockerfile CMD…).
 *
 * @example
 * ```ts
 * import { Service } from "./snapshot.ts";
 * const mlflow: Service = Service.parse({
 *   kind: "mlflow",
 *   bind: "0.0.0.0:5000",
 *   secrets: [],
 *   location: { file: "compose.yaml", line: 4 },
 * });
 * ```
 */
export interface Service {
  /** e.g. 'mlflow', 'jupyter', 'tensorboard'. */
  kind: string;
  /** The address it listens on, as configured. */
  bind?: string;
  /** Whether it requires authentication, when the definition says. */
  authentication?: boolean;
  /** Secrets written into the definition, by name. */
  secrets: {
    /** The variable or key holding the secret. */
    name: string;
    /** Where it is written. */
    location: Location;
  }[];
  /** Where the service is defined. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode Service}. */
export const Service = z.object({
  kind: z.string().describe("e.g. 'mlflow', 'jupyter', 'tensorboard'"),
  bind: z.string().optional(),
  authentication: z.boolean().optional(),
  secrets: z.array(z.object({ name: z.string(), location: Location })),
  location: Location,
});
type _Service = Assert<Same<z.output<typeof Service>, Service>>;

/**
 * One CODEOWNERS rule.
 *
 * @example
 * ```ts
 * import { OwnerRule } from "./snapshot.ts";
 * const rule: OwnerRule = OwnerRule.parse({
 *   pattern: "requirements*.txt",
 *   owners: ["@ml-platform"],
 *   location: { file: "CODEOWNERS", line: 1 },
 * });
 * ```
 */
export interface OwnerRule {
  /** The path pattern, as written. */
  pattern: string;
  /** Users and teams that own matching paths. */
  owners: string[];
  /** Where the rule is. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode OwnerRule}. */
export const OwnerRule = z.object({
  pattern: z.string(),
  owners: z.array(z.string()),
  location: Location,
});
type _OwnerRule = Assert<Same<z.output<typeof OwnerRule>, OwnerRule>>;
