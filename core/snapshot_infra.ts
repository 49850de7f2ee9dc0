/**
 * Snapshot facts about the project's infrastructure (issue 16): the processes its deployment files
 * and scripts launch, how they are exposed, Python code that starts servers, secrets written into
 * those files, and CODEOWNERS rules. Facts only: which of them is an unauthenticated MLflow is for
 * the checks to say.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";

/**
 * Where a launch or an exposure is declared.
 *
 * @example
 * ```ts
 * import type { InfraOrigin } from "./snapshot.ts";
 * const origin: InfraOrigin = "compose";
 * ```
 */
export type InfraOrigin =
  | "compose"
  | "kubernetes"
  | "helm"
  | "dockerfile"
  | "procfile"
  | "shell"
  | "makefile"
  | "workflow";

/** @ignore The zod schema of {@linkcode InfraOrigin}. */
export const InfraOrigin = z.enum([
  "compose",
  "kubernetes",
  "helm",
  "dockerfile",
  "procfile",
  "shell",
  "makefile",
  "workflow",
]);
type _InfraOrigin = Assert<Same<z.output<typeof InfraOrigin>, InfraOrigin>>;

/**
 * One word of a command line, split as a shell splits it (`collect/infra/shell_words.ts`).
 *
 * @example
 * ```ts
 * import { CommandWord } from "./snapshot.ts";
 * const word: CommandWord = CommandWord.parse({ text: "$HOST", unresolved: ["$HOST"] });
 * ```
 */
export interface CommandWord {
  /** The word after quote removal; expansions kept as written. */
  text: string;
  /** Expansions left for run time (`$HOST`, `${PORT:-80}`, `$(…)`); absent when none. */
  unresolved?: string[];
}

/** @ignore The zod schema of {@linkcode CommandWord}. */
export const CommandWord = z.object({
  text: z.string(),
  unresolved: z.array(z.string()).optional(),
});
type _CommandWord = Assert<Same<z.output<typeof CommandWord>, CommandWord>>;

/**
 * A process the project's deployment files or scripts start: a compose service's command, a
 * Kubernetes container's command and args, a Dockerfile's ENTRYPOINT/CMD or RUN, a Procfile line,
 * a script's or Makefile recipe's command, a CI step's command.
 *
 * @example
 * ```ts
 * import { Launch } from "./snapshot.ts";
 * const launch: Launch = Launch.parse({
 *   origin: "compose", unit: "tracking",
 *   argv: [{ text: "mlflow" }, { text: "server" }, { text: "--host" }, { text: "0.0.0.0" }],
 *   env: [], location: { file: "docker-compose.yml", line: 7 },
 * });
 * ```
 */
export interface Launch {
  /** The kind of file that declares it. */
  origin: InfraOrigin;
  /**
   * Its name there: the compose service, `Deployment/name/container`, the Dockerfile stage (or
   * `Dockerfile`), the Procfile process type, the Make target, `workflow job/step`, the script.
   */
  unit: string;
  /** The container image, when it runs in one. */
  image?: string;
  /** `RUN` (a build step) rather than what the container runs (Dockerfiles only). */
  build?: boolean;
  /** The command as the runtime runs it: entrypoint, then command or args. */
  argv: CommandWord[];
  /** Environment variables set for it: values only when literal and not secret-looking. */
  env: {
    /** The variable. */
    name: string;
    /** Its value, as written. */
    value?: string;
    /** Where it is set. */
    location: Location;
  }[];
  /**
   * The Python virtual environment this command's `python` and `pip` come from, when the file
   * makes one active for it (Dockerfiles, scripts, Makefile recipes): its directory first on PATH
   * ahead of the system's (`ENV PATH=/opt/venv/bin:$PATH`), `VIRTUAL_ENV` set, or an `activate`
   * script sourced earlier in the same shell. Absent: the file activates none (for a Dockerfile, a
   * base image the file does not show may still).
   */
  venv?: LaunchVenv;
  /** Where the command is declared. */
  location: Location;
}

/**
 * How a virtual environment is active for a {@linkcode Launch}.
 *
 * @example
 * ```ts
 * import { LaunchVenv } from "./snapshot.ts";
 * const venv: LaunchVenv = LaunchVenv.parse({
 *   path: "/opt/venv", via: "PATH", location: { file: "Dockerfile", line: 6 },
 * });
 * ```
 */
export interface LaunchVenv {
  /** The environment's directory, as written (relative to the working directory when relative). */
  path: string;
  /**
   * What makes it active: `PATH` (its `bin` comes first on PATH, ahead of the system's),
   * `VIRTUAL_ENV` (set to it, which uv and `python -m` tools honour but a bare `pip` does not), or
   * `activate` (its `bin/activate` sourced earlier in the same shell).
   */
  via: "PATH" | "VIRTUAL_ENV" | "activate";
  /** Where that is set. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode LaunchVenv}. */
export const LaunchVenv = z.object({
  path: z.string(),
  via: z.enum(["PATH", "VIRTUAL_ENV", "activate"]),
  location: Location,
});
type _LaunchVenv = Assert<Same<z.output<typeof LaunchVenv>, LaunchVenv>>;

/** @ignore The zod schema of {@linkcode Launch}. */
export const Launch = z.object({
  origin: InfraOrigin,
  unit: z.string(),
  image: z.string().optional(),
  build: z.boolean().optional(),
  argv: z.array(CommandWord),
  env: z.array(z.object({ name: z.string(), value: z.string().optional(), location: Location })),
  venv: LaunchVenv.optional(),
  location: Location,
});
type _Launch = Assert<Same<z.output<typeof Launch>, Launch>>;

/**
 * How a unit is reachable from outside: a published port, a Kubernetes Service of type
 * LoadBalancer or NodePort, an Ingress, host networking, or a Dockerfile EXPOSE (documentation).
 *
 * @example
 * ```ts
 * import { Exposure } from "./snapshot.ts";
 * const published: Exposure = Exposure.parse({
 *   origin: "compose", unit: "tracking", via: "port", port: "5000", hostPort: "5000",
 *   location: { file: "docker-compose.yml", line: 9 },
 * });
 * ```
 */
export interface Exposure {
  /** The kind of file that declares it. */
  origin: InfraOrigin;
  /** The unit exposed (as in {@linkcode Launch}`.unit`). */
  unit: string;
  /**
   * How: `port` a published host port (compose `ports`, a Kubernetes `hostPort`); `load-balancer`
   * and `node-port` a Kubernetes Service of that type (or `externalIPs`); `ingress` an Ingress;
   * `host-network` the host's network namespace (every port the process binds); `expose` declared
   * but reachable by other containers only (Dockerfile `EXPOSE`, compose `expose`, a Kubernetes
   * `containerPort` without `hostPort`).
   */
  via: "port" | "load-balancer" | "node-port" | "ingress" | "host-network" | "expose";
  /** The host address it is bound to; absent means every interface. */
  hostIp?: string;
  /** The host, node or load balancer port (or range), as written; absent: the engine picks one. */
  hostPort?: string;
  /** The container or target port (or range), as written, with `/udp` or `/sctp` when not TCP. */
  port?: string;
  /** An Ingress's host names. */
  hosts?: string[];
  /** Whether the definition puts authentication in front (Ingress auth annotations); absent: unknown. */
  authenticated?: boolean;
  /** Where it is declared. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode Exposure}. */
export const Exposure = z.object({
  origin: InfraOrigin,
  unit: z.string(),
  via: z.enum(["port", "load-balancer", "node-port", "ingress", "host-network", "expose"]),
  hostIp: z.string().optional(),
  hostPort: z.string().optional(),
  port: z.string().optional(),
  hosts: z.array(z.string()).optional(),
  authenticated: z.boolean().optional(),
  location: Location,
});
type _Exposure = Assert<Same<z.output<typeof Exposure>, Exposure>>;

/**
 * Python code that starts a server: `demo.launch(share=True)`, `uvicorn.run(app, host=…)`,
 * `app.run(host=…)`; keyword arguments as written.
 *
 * @example
 * ```ts
 * import { ServerCall } from "./snapshot.ts";
 * const call: ServerCall = ServerCall.parse({
 *   call: "gradio.launch", args: { share: "True" }, location: { file: "app.py", line: 30 },
 * });
 * ```
 */
export interface ServerCall {
  /** What is called, resolved through imports: `gradio.launch`, `uvicorn.run`, `flask.run`. */
  call: string;
  /** Keyword arguments as written in the source (`"True"`, `"'0.0.0.0'"`, `"os.environ[…]"`). */
  args: Record<string, string>;
  /**
   * What arguments evaluate to when the file fixes them, by the same keys as `args` (a dict
   * argument's entries as `http_options.host`; entries of a `**mapping` the file spells out):
   * literals, constants, f-strings of constants, `True`/`False`/`None`, and `os.environ.get` /
   * `os.getenv` defaults, with the variable that can replace them as `overridable`.
   */
  values?: Record<string, { value: string; overridable?: string }>;
  /** Where the call is. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode ServerCall}. */
export const ServerCall = z.object({
  call: z.string(),
  args: z.record(z.string(), z.string()),
  values: z.record(
    z.string(),
    z.object({ value: z.string(), overridable: z.string().optional() }),
  ).optional(),
  location: Location,
});
type _ServerCall = Assert<Same<z.output<typeof ServerCall>, ServerCall>>;

/**
 * A secret written into a deployment file: its kind and place, never its value.
 *
 * @example
 * ```ts
 * import { SecretFact } from "./snapshot.ts";
 * const secret: SecretFact = SecretFact.parse({
 *   kind: "huggingface-token", name: "HF_TOKEN", location: { file: "k8s/deploy.yaml", line: 22 },
 * });
 * ```
 */
export interface SecretFact {
  /** What it is: `huggingface-token`, `aws-access-key`, `url-credentials`, `private-key`, … */
  kind: string;
  /** The variable or key holding it, when there is one. */
  name?: string;
  /** Where it is written. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode SecretFact}. */
export const SecretFact = z.object({
  kind: z.string(),
  name: z.string().optional(),
  location: Location,
});
type _SecretFact = Assert<Same<z.output<typeof SecretFact>, SecretFact>>;

/**
 * One CODEOWNERS rule, from the one CODEOWNERS file the forge reads (GitHub: `.github/`, the root,
 * `docs/`, the first found; GitLab: the root, `docs/`, `.gitlab/`). Rules keep the file's order:
 * the last matching rule wins (within its section, on GitLab).
 *
 * @example
 * ```ts
 * import { OwnerRule } from "./snapshot.ts";
 * const rule: OwnerRule = OwnerRule.parse({
 *   pattern: "requirements*.txt",
 *   owners: ["@ml-platform"],
 *   location: { file: "CODEOWNERS", line: 1 },
 * });
 * const gitlab: OwnerRule = OwnerRule.parse({
 *   pattern: "/models/",
 *   owners: [],
 *   section: "Models",
 *   optional: true,
 *   location: { file: ".gitlab/CODEOWNERS", line: 7 },
 * });
 * ```
 */
export interface OwnerRule {
  /** The path pattern, as written (GitLab escapes such as `\#` and `\ ` removed). */
  pattern: string;
  /**
   * Users, teams and e-mail addresses that own matching paths; empty: the rule leaves them without
   * owners (a GitLab entry written without owners is given its section's default owners).
   */
  owners: string[];
  /** GitLab: the `[Section]` the rule is in (sections are judged apart); absent before any. */
  section?: string;
  /** GitLab: the section is optional (`^[Section]`): its owners' approval is not required. */
  optional?: boolean;
  /** GitLab: an exclusion (`!pattern`), which leaves matching paths without owners. */
  exclusion?: boolean;
  /** Where the rule is. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode OwnerRule}. */
export const OwnerRule = z.object({
  pattern: z.string(),
  owners: z.array(z.string()),
  section: z.string().optional(),
  optional: z.boolean().optional(),
  exclusion: z.boolean().optional(),
  location: Location,
});
type _OwnerRule = Assert<Same<z.output<typeof OwnerRule>, OwnerRule>>;
