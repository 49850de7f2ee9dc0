/**
 * Model servers on a command line: TorchServe, Triton, vLLM and Text Generation Inference, with
 * their default addresses and API-key options; and Python web servers (uvicorn, gunicorn, Flask,
 * FastAPI) whose app loads a model.
 *
 * @module
 */
import { type Invocation, isUnresolved, option, variable } from "./_command_line.ts";
import {
  type Auth,
  type Binding,
  bindingOf,
  hostSetting,
  keyAuth,
  literalPort,
  scoped,
  type ServiceRule,
  shown,
  splitHostPort,
} from "./_judgement.ts";

const TORCHSERVE_IMAGE = /(?:^|\/)pytorch\/torchserve(?:[:@]|$)/;
/** The configuration the official image starts TorchServe with (0.0.0.0:8080, 8081, 8082). */
const TORCHSERVE_IMAGE_CONFIG = "/home/model-server/config.properties";

/** Whether an image's tag names a TorchServe release before 0.11.0 (no token authorization). */
function beforeTokenAuth(image: string | undefined): boolean {
  const tag = image?.slice(image.lastIndexOf(":") + 1) ?? "";
  const version = /^(\d+)\.(\d+)/.exec(tag);
  return version !== null && !tag.includes("/") && Number(version[1]) === 0 &&
    Number(version[2]) < 11;
}

/** `torchserve --start`: addresses in config.properties (default 127.0.0.1); tokens since 0.11. */
export const torchserve: ServiceRule = {
  reference: {
    title: "TorchServe: token authorization (on by default since 0.11.0; --disable-token-auth " +
      "turns it off)",
    url: "https://pytorch.org/serve/token_authorization_api.html",
  },
  judge(invocation, image) {
    if (invocation.program !== "torchserve") return undefined;
    if (option(invocation.args, ["--stop"]).present) return undefined;
    const official = image !== undefined && TORCHSERVE_IMAGE.test(image);
    const config = option(invocation.args, ["--ts-config"]).value ??
      variable(invocation.env, "TS_CONFIG_FILE").value;
    const binding: Binding = config === undefined
      ? scoped("127.0.0.1", "TorchServe's default inference and management addresses")
      : official && config.text === TORCHSERVE_IMAGE_CONFIG
      ? { scope: "network", shown: "every interface (the image's config.properties: 0.0.0.0)" }
      : { scope: "unknown", shown: `the addresses set in ${shown(config.text, 60)}` };
    const disabled = option(invocation.args, ["--disable-token-auth"]).present ||
      /^true$/i.test(variable(invocation.env, "TS_DISABLE_TOKEN_AUTHORIZATION").value?.text ?? "");
    const modelApi = option(invocation.args, ["--enable-model-api"]).present
      ? "; --enable-model-api lets callers register models from any URL"
      : "";
    const auth: Auth = disabled
      ? { state: "none", shown: `token authorization disabled${modelApi}` }
      : official && beforeTokenAuth(image)
      ? { state: "none", shown: `TorchServe before 0.11.0 has no token authorization${modelApi}` }
      : { state: "on", shown: "token authorization (TorchServe's default)" };
    return {
      service: "TorchServe inference and management APIs",
      binding,
      auth,
      fix: "Keep token authorization on (drop --disable-token-auth; TorchServe 0.11.0 or later), " +
        "keep management_address on 127.0.0.1 in config.properties, and publish only the " +
        "inference port, behind an authenticating proxy.",
    };
  },
};

/** `tritonserver`: HTTP and gRPC on 0.0.0.0 by default; no authentication of its own. */
export const triton: ServiceRule = {
  reference: {
    title: "NVIDIA Triton Inference Server: secure deployment considerations (deploy behind a " +
      "secure proxy or gateway)",
    url: "https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/" +
      "customization_guide/deploy.html",
  },
  judge(invocation) {
    if (invocation.program !== "tritonserver") return undefined;
    const fallback = { host: "0.0.0.0", how: "Triton's default" };
    const enabled = (name: string) =>
      !/^(?:false|0)$/i.test(option(invocation.args, [`--allow-${name}`]).value?.text ?? "");
    const bindings = (["http", "grpc"] as const).filter(enabled).map((name) =>
      hostSetting(invocation, { options: [`--${name}-address`], fallback })
    );
    if (bindings.length === 0) return undefined;
    const rank = { network: 2, unknown: 1, loopback: 0 } as const;
    const binding = bindings.reduce((worst, b) => rank[b.scope] > rank[worst.scope] ? b : worst);
    const port = literalPort(option(invocation.args, ["--http-port"]).value);
    return {
      service: "Triton Inference Server",
      binding,
      auth: { state: "none", shown: "Triton has none of its own" },
      ...(port ? { port } : {}),
      fix: "Put Triton behind an authenticating gateway, bind --http-address and --grpc-address " +
        "to 127.0.0.1 when the gateway runs beside it, and restrict the model-repository API " +
        "(--http-restricted-api, --grpc-restricted-api).",
    };
  },
};

const VLLM_SERVERS = new Set(["vllm.entrypoints.openai.api_server", "vllm.entrypoints.api_server"]);

/** vLLM's OpenAI-compatible server: every interface without `--host`; `--api-key`/VLLM_API_KEY. */
export const vllm: ServiceRule = {
  reference: {
    title: "vLLM: security (the server listens on every interface without --host; --api-key " +
      "guards only the /v1 routes)",
    url: "https://docs.vllm.ai/en/latest/usage/security.html",
  },
  judge(invocation) {
    const serve = invocation.program === "vllm" && invocation.args[0]?.text === "serve";
    if (!serve && !VLLM_SERVERS.has(invocation.program)) return undefined;
    const config = option(invocation.args, ["--config"]).value;
    const host = option(invocation.args, ["--host"]);
    const binding: Binding = host.value === undefined && config !== undefined
      ? { scope: "unknown", shown: `the host in ${shown(config.text, 60)} (--config)` }
      : hostSetting(invocation, {
        options: ["--host"],
        fallback: { host: "", how: "vLLM's default without --host" },
      });
    const key = keyAuth({
      option: option(invocation.args, ["--api-key"]).present,
      variable: variable(invocation.env, "VLLM_API_KEY").set,
    }, "--api-key or VLLM_API_KEY");
    const auth: Auth = key.state === "none" && config !== undefined
      ? { state: "unknown", shown: `no --api-key unless ${shown(config.text, 60)} sets one` }
      : key;
    const port = literalPort(option(invocation.args, ["--port"]).value);
    return {
      service: "vLLM OpenAI-compatible server",
      binding,
      auth,
      ...(port ? { port } : {}),
      fix: "Start it with --api-key (or VLLM_API_KEY from a secret) and --host 127.0.0.1, behind " +
        "a proxy that allows only the routes you serve: the key guards only /v1.",
    };
  },
};

/** Text Generation Inference: `--hostname` default 0.0.0.0; `--api-key`/API_KEY. */
export const tgi: ServiceRule = {
  reference: {
    title: "Text Generation Inference: launcher arguments (--hostname defaults to 0.0.0.0; " +
      "--api-key)",
    url: "https://huggingface.co/docs/text-generation-inference/reference/launcher",
  },
  judge(invocation) {
    if (invocation.program !== "text-generation-launcher") return undefined;
    const binding = hostSetting(invocation, {
      options: ["--hostname"],
      fallback: { host: "0.0.0.0", how: "TGI's default --hostname" },
    });
    const auth = keyAuth({
      option: option(invocation.args, ["--api-key"]).present,
      variable: variable(invocation.env, "API_KEY").set,
    }, "--api-key or API_KEY");
    const port = literalPort(option(invocation.args, ["--port", "-p"]).value);
    return {
      service: "Text Generation Inference server",
      binding,
      auth,
      ...(port ? { port } : {}),
      fix: "Set --api-key (API_KEY from a secret) and keep the server off public networks, " +
        "behind an authenticating proxy.",
    };
  },
};

/** `module.path:app` → the files that module can be. */
function moduleFiles(target: string): string[] {
  const module = target.split(":")[0];
  if (module.endsWith(".py")) return [module.replace(/^\.\//, "")];
  if (!/^[A-Za-z_][\w.]*$/.test(module)) return [];
  const path = module.replaceAll(".", "/");
  return [`${path}.py`, `${path}/__init__.py`];
}

/** The first `module:attr` (or `.py` file) word: the app a WSGI/ASGI server runs. */
function appTarget(invocation: Invocation): string | undefined {
  return invocation.args.find((w) =>
    !isUnresolved(w) && /^(?:[A-Za-z_][\w.]*:[A-Za-z_][\w.()]*|[\w./-]+\.py)$/.test(w.text)
  )?.text;
}

const WEB_AUTH: Auth = {
  state: "unknown",
  shown: "no authentication unless the app checks credentials itself",
};
const WEB_FIX = "Bind it to 127.0.0.1 behind an authenticating proxy or API gateway, or check " +
  "credentials in the app (an API key or OAuth dependency on every route).";

/** A web server and the address it listens on: uvicorn, gunicorn, flask run, fastapi run/dev. */
function webServer(invocation: Invocation): { binding: Binding; files: string[] } | undefined {
  const { program, args } = invocation;
  if (program === "uvicorn" || program === "gunicorn") {
    const target = appTarget(invocation);
    if (target === undefined) return undefined;
    const files = moduleFiles(target);
    if (program === "uvicorn") {
      const uds = option(args, ["--uds", "--fd"]).present;
      const binding = uds ? scoped("unix:", "--uds") : hostSetting(invocation, {
        options: ["--host"],
        variable: "UVICORN_HOST",
        fallback: { host: "127.0.0.1", how: "uvicorn's default" },
      });
      return { binding, files };
    }
    const bind = option(args, ["--bind", "-b"]).value ??
      /(?:^|\s)(?:--bind[= ]|-b\s*)(\S+)/.exec(
        variable(invocation.env, "GUNICORN_CMD_ARGS").value?.text ?? "",
      )?.slice(1).map((text) => ({ text }))[0];
    const binding = bind === undefined ? scoped("127.0.0.1", "gunicorn's default bind") : bindingOf(
      isUnresolved(bind) ? bind : { text: splitHostPort(bind.text).host },
      "--bind",
      { host: "127.0.0.1", how: "gunicorn's default bind" },
    );
    return { binding, files };
  }
  if (program === "flask" && args.some((w) => w.text === "run")) {
    const app = option(args, ["--app", "-A"]).value?.text ??
      variable(invocation.env, "FLASK_APP").value?.text ?? "app";
    const binding = hostSetting({
      ...invocation,
      args: args.slice(args.findIndex((w) => w.text === "run")),
    }, {
      options: ["--host", "-h"],
      variable: "FLASK_RUN_HOST",
      fallback: { host: "127.0.0.1", how: "flask run's default" },
    });
    return { binding, files: moduleFiles(app) };
  }
  const sub = args[0]?.text;
  if (program === "fastapi" && (sub === "run" || sub === "dev")) {
    const file = args.slice(1).find((w) => /\.py$/.test(w.text))?.text;
    const binding = hostSetting(invocation, {
      options: ["--host"],
      fallback: sub === "run"
        ? { host: "0.0.0.0", how: "fastapi run's default" }
        : { host: "127.0.0.1", how: "fastapi dev's default" },
    });
    return { binding, files: file ? moduleFiles(file) : ["main.py", "app.py", "app/main.py"] };
  }
  return undefined;
}

/**
 * A Python web server and the files its app may live in: judged only when one of them loads a
 * model (the check decides that from the snapshot).
 *
 * @param invocation The program and its arguments.
 * @returns The judgement and the app's candidate files.
 */
export function modelWebServer(
  invocation: Invocation,
): { judgement: import("./_judgement.ts").Judgement; files: string[] } | undefined {
  const found = webServer(invocation);
  if (found === undefined) return undefined;
  const port = literalPort(option(invocation.args, ["--port", "-p"]).value);
  return {
    judgement: {
      service: `model-serving web app (${invocation.program})`,
      binding: found.binding,
      auth: WEB_AUTH,
      ...(port ? { port } : {}),
      fix: WEB_FIX,
    },
    files: found.files,
  };
}

/** Web-server judgements for Python calls (`uvicorn.run`, `app.run`). */
export const WEB_SERVER = { auth: WEB_AUTH, fix: WEB_FIX };

/** The web server reference. */
export const WEB_SERVER_REFERENCE = {
  title: "Uvicorn settings (--host defaults to 127.0.0.1; 0.0.0.0 makes the app available on " +
    "your network)",
  url: "https://www.uvicorn.org/settings/",
};

/** The model-server recognisers, in the order they are tried. */
export const MODEL_SERVERS: readonly ServiceRule[] = [torchserve, triton, vllm, tgi];
