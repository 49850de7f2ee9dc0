/**
 * MLOps web UIs on a command line: MLflow, Jupyter, TensorBoard, the Ray dashboard, Streamlit,
 * Label Studio and BentoML, each with the address it listens on by default and the option that
 * turns its authentication on (or off). Kubeflow's UIs are known by their images.
 *
 * @module
 */
import { type Invocation, isUnresolved, option, variable } from "./_command_line.ts";
import {
  type Auth,
  hostSetting,
  type Judgement,
  literalPort,
  type ServiceRule,
} from "./_judgement.ts";

/** The last of `names`' values, as a port when literal. */
function portOf(invocation: Invocation, names: string[]): string | undefined {
  return literalPort(option(invocation.args, names).value);
}

/** `mlflow server|ui` and `mlflow models serve`; `--host`/`-h` (MLFLOW_HOST) default 127.0.0.1. */
export const mlflow: ServiceRule = {
  reference: {
    title: "MLflow: authentication with username and password (`mlflow server --app-name " +
      "basic-auth`); `--host` defaults to 127.0.0.1",
    url: "https://mlflow.org/docs/latest/self-hosting/security/basic-http-auth",
  },
  judge(invocation) {
    if (invocation.program !== "mlflow") return undefined;
    const sub = invocation.args[0]?.text;
    const models = sub === "models" && invocation.args[1]?.text === "serve";
    if (sub !== "server" && sub !== "ui" && !models) return undefined;
    const binding = hostSetting(invocation, {
      options: ["--host", "-h"],
      variable: "MLFLOW_HOST",
      fallback: { host: "127.0.0.1", how: "MLflow's default" },
    });
    const port = portOf(invocation, ["--port", "-p"]);
    if (models) {
      return {
        service: "MLflow model server",
        binding,
        auth: { state: "none", shown: "mlflow models serve has none" },
        ...(port ? { port } : {}),
        fix: "Serve it on 127.0.0.1 (-h 127.0.0.1) behind an authenticating proxy or API gateway.",
      };
    }
    const app = option(invocation.args, ["--app-name"]);
    const auth: Auth = !app.present || app.value === undefined
      ? { state: "none", shown: "no --app-name basic-auth" }
      : isUnresolved(app.value)
      ? { state: "unknown", shown: "--app-name known only at run time" }
      : { state: "on", shown: `--app-name ${app.value.text.slice(0, 40)}` };
    return {
      service: "MLflow tracking server",
      binding,
      auth,
      ...(port ? { port } : {}),
      fix: "Start it with --app-name basic-auth (pip install mlflow[auth]; change the default " +
        "admin password) or keep it on 127.0.0.1 (--host 127.0.0.1) behind an authenticating proxy.",
    };
  },
};

const JUPYTER_APPS = new Set(["notebook", "lab", "server", "nbclassic"]);
const JUPYTER_PROGRAMS = new Set([
  "jupyter-lab",
  "jupyter-notebook",
  "jupyter-server",
  "jupyter-nbclassic",
  "jupyterhub-singleuser",
]);
/** The jupyter/docker-stacks start scripts, which listen on 0.0.0.0 by default. */
const STACKS_SCRIPTS = new Set([
  "start-notebook.sh",
  "start-notebook.py",
  "start-singleuser.sh",
  "start-singleuser.py",
]);

/** Jupyter Server, JupyterLab, Notebook: `--ip` default localhost; a token unless set to ''. */
export const jupyter: ServiceRule = {
  reference: {
    title: "Jupyter Server: security (token authentication is on by default; an empty token " +
      "and no password turn it off)",
    url: "https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
  },
  judge(invocation) {
    const { program } = invocation;
    const stacks = STACKS_SCRIPTS.has(program);
    const app = program === "jupyter" && JUPYTER_APPS.has(invocation.args[0]?.text ?? "");
    if (!app && !stacks && !JUPYTER_PROGRAMS.has(program)) return undefined;
    const binding = hostSetting(invocation, {
      options: ["--ip", "--ServerApp.ip", "--NotebookApp.ip", "--LabApp.ip"],
      fallback: stacks
        ? { host: "0.0.0.0", how: "the jupyter/docker-stacks start script's default" }
        : { host: "localhost", how: "Jupyter's default" },
    });
    const token = option(invocation.args, [
      "--ServerApp.token",
      "--NotebookApp.token",
      "--IdentityProvider.token",
      "--LabApp.token",
    ]);
    const password = option(invocation.args, [
      "--ServerApp.password",
      "--NotebookApp.password",
      "--PasswordIdentityProvider.hashed_password",
    ]);
    const emptyToken = token.value !== undefined && token.value.text === "" &&
      !isUnresolved(token.value);
    const hasPassword = password.value !== undefined &&
      (password.value.text !== "" || isUnresolved(password.value));
    const auth: Auth = !emptyToken
      ? { state: "on", shown: token.present ? `${token.name} set` : "a token Jupyter generates" }
      : hasPassword
      ? { state: "on", shown: `${password.name} set` }
      : { state: "none", shown: `${token.name}='' and no password` };
    const port = portOf(invocation, ["--port", "--ServerApp.port", "--NotebookApp.port"]);
    return {
      service: "Jupyter server",
      binding,
      auth,
      ...(port ? { port } : {}),
      fix: "Drop the empty token (Jupyter then generates one) or set a password, and keep it on " +
        "127.0.0.1 (--ip 127.0.0.1) behind JupyterHub or an authenticating proxy when others " +
        "need it: whoever reaches it runs code.",
    };
  },
};

/** TensorBoard: localhost by default (since 2.0), `--bind_all` or `--host` widen it; no auth. */
export const tensorboard: ServiceRule = {
  reference: {
    title: "TensorBoard: serve on localhost by default; --bind_all or --host expose it " +
      "(tensorflow/tensorboard#2387)",
    url: "https://github.com/tensorflow/tensorboard/issues/2387",
  },
  judge(invocation) {
    if (invocation.program !== "tensorboard" || invocation.args[0]?.text === "dev") {
      return undefined;
    }
    const bindAll = option(invocation.args, ["--bind_all"]).present;
    const binding = bindAll
      ? { scope: "network" as const, shown: "every interface (--bind_all)" }
      : hostSetting(invocation, {
        options: ["--host"],
        fallback: { host: "localhost", how: "TensorBoard's default" },
      });
    const port = portOf(invocation, ["--port"]);
    return {
      service: "TensorBoard",
      binding,
      auth: { state: "none", shown: "TensorBoard has none" },
      ...(port ? { port } : {}),
      fix: "Serve it on localhost (drop --bind_all and --host) and reach it through an SSH " +
        "tunnel or an authenticating proxy.",
    };
  },
};

/**
 * The Ray dashboard and Jobs API of a head node: `--dashboard-host` default 127.0.0.1; token
 * authentication only with RAY_AUTH_MODE=token (Ray 2.52 and later).
 *
 * @param binding Where the dashboard listens (`--dashboard-host` or `dashboard_host=`).
 * @param env The variables the head node sees.
 * @param port The dashboard port, when given.
 * @returns The judgement.
 */
export function rayDashboard(
  binding: Judgement["binding"],
  env: Invocation["env"],
  port?: string,
): Judgement {
  const mode = variable(env, "RAY_AUTH_MODE");
  const auth: Auth = !mode.set
    ? { state: "none", shown: "no RAY_AUTH_MODE=token" }
    : mode.value === undefined || isUnresolved(mode.value)
    ? { state: "unknown", shown: "RAY_AUTH_MODE known only at run time" }
    : mode.value.text === "token"
    ? { state: "on", shown: "RAY_AUTH_MODE=token" }
    : { state: "none", shown: `RAY_AUTH_MODE=${mode.value.text.slice(0, 20)}` };
  return {
    service: "Ray dashboard and Jobs API",
    binding,
    auth,
    ...(port ? { port } : {}),
    fix: "Keep the dashboard on 127.0.0.1 (drop --dashboard-host / dashboard_host) and reach it " +
      "through an SSH tunnel or an authenticating proxy; on Ray 2.52 or later set " +
      "RAY_AUTH_MODE=token. Whoever reaches the Jobs API runs code on the cluster.",
  };
}

/** `ray start --head`: the dashboard on `--dashboard-host`. */
export const ray: ServiceRule = {
  reference: {
    title: "Ray: token authentication (RAY_AUTH_MODE=token, off by default)",
    url: "https://docs.ray.io/en/latest/ray-security/token-auth.html",
  },
  judge(invocation) {
    if (invocation.program !== "ray" || invocation.args[0]?.text !== "start") return undefined;
    if (!option(invocation.args, ["--head"]).present) return undefined;
    const dashboard = option(invocation.args, ["--include-dashboard"]).value?.text;
    if (dashboard !== undefined && /^(?:false|0|no)$/i.test(dashboard)) return undefined;
    const binding = hostSetting(invocation, {
      options: ["--dashboard-host"],
      fallback: { host: "127.0.0.1", how: "Ray's default" },
    });
    return rayDashboard(binding, invocation.env, portOf(invocation, ["--dashboard-port"]));
  },
};

/** `streamlit run`: every interface unless `server.address` is set; no authentication. */
export const streamlit: ServiceRule = {
  reference: {
    title: "Streamlit: server.address (unset: the server listens on every interface)",
    url: "https://docs.streamlit.io/develop/api-reference/configuration/config.toml",
  },
  judge(invocation) {
    if (invocation.program !== "streamlit" || invocation.args[0]?.text !== "run") {
      return undefined;
    }
    const binding = hostSetting(invocation, {
      options: ["--server.address"],
      variable: "STREAMLIT_SERVER_ADDRESS",
      fallback: { host: "", how: "Streamlit's default when server.address is unset" },
    });
    const port = portOf(invocation, ["--server.port"]);
    return {
      service: "Streamlit app",
      binding,
      auth: { state: "none", shown: "Streamlit's server has none" },
      ...(port ? { port } : {}),
      fix: "Set --server.address 127.0.0.1 and put an authenticating proxy in front of it.",
    };
  },
};

/** Label Studio subcommands that start no server. */
const LABEL_STUDIO_ADMIN = new Set([
  "init",
  "user",
  "reset_password",
  "shell",
  "version",
  "calculate_stats",
  "export",
]);

/** Label Studio: `--internal-host` default 0.0.0.0; open sign-up unless disabled. */
export const labelStudio: ServiceRule = {
  reference: {
    title: "Label Studio: restrict sign-up (LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true)",
    url: "https://labelstud.io/guide/signup.html",
  },
  judge(invocation) {
    if (invocation.program !== "label-studio") return undefined;
    if (LABEL_STUDIO_ADMIN.has(invocation.args[0]?.text ?? "")) return undefined;
    const binding = hostSetting(invocation, {
      options: ["--internal-host"],
      fallback: { host: "0.0.0.0", how: "Label Studio's default --internal-host" },
    });
    const signup = variable(invocation.env, "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK");
    const auth: Auth = signup.set && signup.value && !isUnresolved(signup.value)
      ? /^(?:true|1|yes)$/i.test(signup.value.text)
        ? { state: "on", shown: "sign-up by invitation only" }
        : { state: "none", shown: "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK is not true" }
      : signup.set
      ? {
        state: "unknown",
        shown: "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK known only at run time",
      }
      : {
        state: "none",
        shown: "anyone may sign up (LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK unset)",
      };
    const port = portOf(invocation, ["--port", "-p"]);
    return {
      service: "Label Studio",
      binding,
      auth,
      ...(port ? { port } : {}),
      fix: "Set LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true (the first user from " +
        "LABEL_STUDIO_USERNAME/LABEL_STUDIO_PASSWORD kept in a secret) so only invited users get " +
        "accounts, and keep it behind an authenticating proxy.",
    };
  },
};

/** `bentoml serve`: `--host` (BENTOML_HOST) default 0.0.0.0; no authentication when self-hosted. */
export const bentoml: ServiceRule = {
  reference: {
    title: "BentoML: configuration (the HTTP server's host defaults to 0.0.0.0)",
    url: "https://docs.bentoml.com/en/latest/reference/bentoml/configurations.html",
  },
  judge(invocation) {
    const sub = invocation.args[0]?.text ?? "";
    if (invocation.program !== "bentoml" || !/^serve(?:-http|-grpc)?$/.test(sub)) return undefined;
    const binding = hostSetting(invocation, {
      options: ["--host"],
      variable: "BENTOML_HOST",
      fallback: { host: "0.0.0.0", how: "BentoML's default" },
    });
    const port = portOf(invocation, ["--port", "-p"]);
    return {
      service: "BentoML server",
      binding,
      auth: { state: "none", shown: "self-hosted BentoML has none" },
      ...(port ? { port } : {}),
      fix: "Keep it on 127.0.0.1 (--host 127.0.0.1) and put an authenticating proxy or API " +
        "gateway in front of it.",
    };
  },
};

/** Kubeflow's web UIs, which rely on the Istio gateway's login in front of them. */
const KUBEFLOW_IMAGE =
  /(?:^|\/)(?:kubeflow|kubeflownotebookswg|kubeflowkatib|ml-pipeline)\/(?:centraldashboard|frontend|kfp-frontend|katib-ui|jupyter-web-app|volumes-web-app|tensorboards-web-app|models-web-app)(?:[:@]|$)/;

/**
 * A Kubeflow web UI, by its image: judged only when something publishes it past the gateway.
 *
 * @param image The container image.
 * @returns The judgement, or undefined for another image.
 */
export function kubeflowUi(image: string | undefined): Judgement | undefined {
  if (image === undefined || !KUBEFLOW_IMAGE.test(image)) return undefined;
  return {
    service: "Kubeflow web UI",
    binding: { scope: "network", shown: "the pod network" },
    auth: { state: "none", shown: "relies on the Istio gateway's login in front of it" },
    publishedOnly: true,
    fix: "Reach Kubeflow only through its Istio ingress gateway with authentication " +
      "(oauth2-proxy/Dex), never through a LoadBalancer or NodePort Service or an Ingress that " +
      "bypasses the gateway.",
  };
}

/** The Kubeflow reference. */
export const KUBEFLOW_REFERENCE = {
  title: "Kubeflow manifests: connect through the authenticated Istio gateway",
  url: "https://github.com/kubeflow/manifests#connect-to-your-kubeflow-cluster",
};

/** The UI recognisers, in the order they are tried. */
export const UI_SERVICES: readonly ServiceRule[] = [
  mlflow,
  jupyter,
  tensorboard,
  ray,
  streamlit,
  labelStudio,
  bentoml,
];
