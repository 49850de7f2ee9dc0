/**
 * Python code that starts a server: Gradio's `launch(share=…, server_name=…, auth=…)`,
 * `ray.init(dashboard_host=…)`, `uvicorn.run(host=…)` and Flask's `app.run(host=…)`, judged
 * from their keyword arguments as written, with the environment of the launches that run the file.
 *
 * @module
 */
import type { CommandWord, ServerCall } from "../../core/snapshot.ts";
import type { Invocation } from "./_command_line.ts";
import { type Auth, type Binding, hostSetting, type Judgement, scoped } from "./_judgement.ts";
import { WEB_SERVER } from "./_inference_servers.ts";
import { rayDashboard } from "./_ui_services.ts";

/** A Python string literal's value (`'0.0.0.0'`, `"x"`, `r'x'`); undefined for anything else. */
export function pythonString(source: string | undefined): string | undefined {
  const literal = /^[rRuU]?("""|'''|"|')([\s\S]*)\1$/.exec(source?.trim() ?? "");
  return literal && !/\\/.test(literal[2]) ? literal[2] : undefined;
}

/**
 * What an argument evaluates to: the collector's value when the file fixes it (a variable that
 * may replace an `os.getenv` default is read from the launches' environment when they set it),
 * else a string literal as written, else a value known only at run time; undefined when absent.
 */
export function argumentValue(
  call: ServerCall,
  key: string,
  env: Invocation["env"],
): CommandWord | undefined {
  const evaluated = call.values?.[key];
  if (evaluated !== undefined) {
    const override = evaluated.overridable;
    if (override !== undefined && env.has(override)) {
      return env.get(override) ?? { text: `$${override}`, unresolved: [`$${override}`] };
    }
    return { text: evaluated.value };
  }
  const source = call.args[key];
  if (source === undefined) return undefined;
  const literal = pythonString(source) ??
    (/^(?:True|False|None|-?\d+)$/.test(source.trim()) ? source.trim() : undefined);
  return literal !== undefined ? { text: literal } : { text: source, unresolved: [source] };
}

/** The host a call sets, as an invocation-like setting (argument, then variable, then default). */
function callBinding(
  call: ServerCall,
  argument: string,
  env: Invocation["env"],
  variable: string | undefined,
  fallback: { host: string; how: string },
): Binding {
  const word = argumentValue(call, argument, env);
  const args = word === undefined ? [] : [{ text: `${argument}=` }, word];
  return hostSetting({ program: call.call, args, env }, {
    options: [`${argument}=`],
    ...(variable ? { variable } : {}),
    fallback,
  });
}

/** An argument's literal value (`True`, `None`, `7860`), when the file fixes it. */
function literal(call: ServerCall, key: string): string | undefined {
  const value = argumentValue(call, key, new Map());
  return value === undefined || (value.unresolved?.length ?? 0) > 0 ? undefined : value.text;
}

/** Whether the call is Gradio's `launch` (on Blocks, Interface, ChatInterface…). */
function isGradioLaunch(call: string): boolean {
  return /^gradio(?:\.[A-Za-z_]\w*)*\.launch$/.test(call);
}

/**
 * Judge a server call.
 *
 * @param call The call and its keyword arguments as written.
 * @param env The variables of the launches that run the call's file (GRADIO_SERVER_NAME…).
 * @returns The judgement, and whether it counts only when the call's file loads a model.
 */
export function judgeCall(
  call: ServerCall,
  env: Invocation["env"],
): { judgement: Judgement; needsModel: boolean } | undefined {
  const portValue = literal(call, "server_port") ?? literal(call, "port") ?? "";
  const port = /^\d{1,5}$/.test(portValue) ? { port: portValue } : {};
  if (isGradioLaunch(call.call)) {
    const auth: Auth = call.args.auth !== undefined && literal(call, "auth") !== "None"
      ? { state: "on", shown: "auth= set" }
      : { state: "none", shown: "no auth=" };
    const share = literal(call, "share");
    return {
      judgement: {
        service: "Gradio app",
        binding: callBinding(call, "server_name", env, "GRADIO_SERVER_NAME", {
          host: "127.0.0.1",
          how: "Gradio's default server_name",
        }),
        auth,
        ...port,
        ...(share === "True" ? { publicLink: "a public share link (share=True)" } : {}),
        fix: "Pass auth= to launch() (a list of users, or a function checking them), drop " +
          "share=True, and keep server_name on 127.0.0.1 behind an authenticating proxy.",
      },
      needsModel: false,
    };
  }
  if (call.call === "ray.init") {
    if (/^(?:False|0)$/.test(literal(call, "include_dashboard") ?? "")) return undefined;
    const binding = callBinding(call, "dashboard_host", env, undefined, {
      host: "127.0.0.1",
      how: "Ray's default",
    });
    const dashboardPort = /^\d{1,5}$/.test(literal(call, "dashboard_port") ?? "")
      ? literal(call, "dashboard_port")
      : undefined;
    return { judgement: rayDashboard(binding, env, dashboardPort), needsModel: false };
  }
  const web = call.call === "uvicorn.run"
    ? { how: "uvicorn's default" }
    : call.call === "flask.run"
    ? { how: "Flask's default" }
    : undefined;
  if (web === undefined) return undefined;
  const binding = call.args.uds !== undefined && literal(call, "uds") !== "None"
    ? scoped("unix:", "uds=")
    : callBinding(call, "host", env, undefined, { host: "127.0.0.1", how: web.how });
  return {
    judgement: {
      service: `model-serving web app (${call.call})`,
      binding,
      auth: WEB_SERVER.auth,
      ...port,
      fix: WEB_SERVER.fix,
    },
    needsModel: true,
  };
}

/** References for the Python calls. */
export const CALL_REFERENCES = [{
  title: "Gradio: Blocks.launch (share, server_name, auth)",
  url: "https://www.gradio.app/docs/gradio/blocks#blocks-launch",
}];
