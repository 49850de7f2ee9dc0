/**
 * What `infra.no-unauthenticated-ui` learns about one service from its command line or Python
 * call: where it listens and whether it asks for credentials, each with the words that say so.
 *
 * @module
 */
import type { Reference } from "../../core/check.ts";
import type { CommandWord } from "../../core/snapshot.ts";
import { type Invocation, isUnresolved, option, variable } from "./_command_line.ts";

/** Where a service listens: a network address, loopback only, or not known before run time. */
export type Scope = "network" | "loopback" | "unknown";

/** A service's listening address, and the words (or default) that set it. */
export interface Binding {
  /** Reachable from a network, only from the machine itself, or unknown. */
  scope: Scope;
  /** For a message: `every interface (--host 0.0.0.0)`, `127.0.0.1 (the default)`. */
  shown: string;
}

/** Whether a service asks for credentials, and why Tollgate thinks so. */
export interface Auth {
  /** `on`: it does; `none`: it does not; `unknown`: the app or a setting Tollgate cannot see decides. */
  state: "none" | "on" | "unknown";
  /** For a message: `no --app-name basic-auth`, `--api-key set`. */
  shown: string;
}

/** One service found in a launch or call. */
export interface Judgement {
  /** The service: `MLflow tracking server`, `Jupyter server`. */
  service: string;
  /** Where it listens. */
  binding: Binding;
  /** Its authentication. */
  auth: Auth;
  /** The port it listens on, when the command line names it. */
  port?: string;
  /** A public link the service opens itself (Gradio `share=True`), whatever the binding. */
  publicLink?: string;
  /** Judged only when published: the service relies on a gateway in front (Kubeflow). */
  publishedOnly?: boolean;
  /** How to secure this service. */
  fix: string;
}

/** A recogniser for one kind of service on a command line. */
export interface ServiceRule {
  /** The reference that documents the service's binding and authentication. */
  reference: Reference;
  /**
   * Judge an invocation.
   *
   * @param invocation The program and its arguments.
   * @param image The container image it runs in, if any.
   * @returns A judgement when the invocation starts this service.
   */
  judge(invocation: Invocation, image: string | undefined): Judgement | undefined;
}

/** Control characters, line separators and bidirectional overrides: never echoed. */
// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a project file, safe and short enough for a message.
 *
 * @param text As written.
 * @param max The most characters to keep.
 * @returns The text with unprintable characters as spaces, cut with `…`.
 */
export function shown(text: string, max = 80): string {
  const clean = text.replace(UNPRINTABLE, " ");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Loopback names and addresses. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "ip6-localhost" || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\./.test(host) ||
    host.startsWith("unix:");
}

/** Addresses that mean every interface. */
function isEveryInterface(host: string): boolean {
  return host === "" || host === "0.0.0.0" || host === "::" || host === "*" || host === "0";
}

/**
 * Where a service listens, from the word that sets its address (or its default when none does).
 *
 * @param word The address as written, if the command line sets it.
 * @param how How it is set (`--host`), for the message.
 * @param fallback The service's default address and where that default comes from.
 * @returns The binding.
 */
export function bindingOf(
  word: CommandWord | undefined,
  how: string,
  fallback: { host: string; how: string },
): Binding {
  if (word === undefined) return scoped(fallback.host, fallback.how);
  if (isUnresolved(word)) {
    const written = `${how}${how.endsWith("=") ? "" : " "}${shown(word.text, 60)}`;
    return { scope: "unknown", shown: `an address known only at run time (${written})` };
  }
  const value = word.text === "" || how.endsWith("=")
    ? `'${shown(word.text, 40)}'`
    : shown(word.text, 40);
  return scoped(word.text, `${how}${how.endsWith("=") ? "" : " "}${value}`);
}

/** A literal address with the scope it means. */
export function scoped(host: string, how: string): Binding {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (isEveryInterface(bare)) return { scope: "network", shown: `every interface (${how})` };
  if (isLoopback(bare)) return { scope: "loopback", shown: `${shown(host, 40)} (${how})` };
  return { scope: "network", shown: `the network address ${shown(host, 40)} (${how})` };
}

/**
 * Authentication by a key option or variable (`--api-key`, `VLLM_API_KEY`): on when either is set,
 * whatever its value (a value from the environment counts: the key is kept elsewhere).
 *
 * @param given Whether the option appears, and whether the variable is set.
 * @param what The option and variable, for the message.
 * @returns The authentication state.
 */
export function keyAuth(given: { option: boolean; variable: boolean }, what: string): Auth {
  if (given.option || given.variable) return { state: "on", shown: `${what} set` };
  return { state: "none", shown: `no ${what}` };
}

/**
 * The host part of a `host:port` bind (gunicorn `-b 0.0.0.0:8000`, `[::]:80`, `unix:/run/x.sock`).
 *
 * @param bind The value as written.
 * @returns Its host and port.
 */
export function splitHostPort(bind: string): { host: string; port?: string } {
  if (bind.startsWith("unix:")) return { host: bind };
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(bind);
  if (bracketed) return { host: bracketed[1], ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const colon = bind.lastIndexOf(":");
  if (colon >= 0 && bind.indexOf(":") === colon) {
    return { host: bind.slice(0, colon), port: bind.slice(colon + 1) };
  }
  return /^\d+$/.test(bind) ? { host: "", port: bind } : { host: bind };
}

/** A literal port number from a word, if it is one. */
export function literalPort(word: CommandWord | undefined): string | undefined {
  return word && !isUnresolved(word) && /^\d{1,5}$/.test(word.text) ? word.text : undefined;
}

/**
 * Where an invocation's service listens: the last of its host options, else its host variable,
 * else its default.
 *
 * @param invocation The program and its arguments.
 * @param setting The host options (`["--host", "-h"]`), the variable (`MLFLOW_HOST`), and the
 *   default address with where it comes from.
 * @returns The binding.
 */
export function hostSetting(
  invocation: Invocation,
  setting: { options: string[]; variable?: string; fallback: { host: string; how: string } },
): Binding {
  const given = option(invocation.args, setting.options);
  if (given.present && given.value) return bindingOf(given.value, given.name!, setting.fallback);
  if (setting.variable !== undefined) {
    const set = variable(invocation.env, setting.variable);
    if (set.set) {
      return bindingOf(
        set.value ?? { text: `$${setting.variable}`, unresolved: [`$${setting.variable}`] },
        `${setting.variable}=`,
        setting.fallback,
      );
    }
  }
  return bindingOf(undefined, "", setting.fallback);
}
