/**
 * `infra.no-unauthenticated-ui`: MLOps web UIs and model servers are not reachable without
 * authentication.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft, type Severity } from "../../core/check.ts";
import { globMatch } from "../../core/glob.ts";
import type { Launch, Location, ServerCall, Snapshot } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { type Invocation, invocationsOf } from "./_command_line.ts";
import { type Judgement, shown } from "./_judgement.ts";
import { KUBEFLOW_REFERENCE, kubeflowUi, UI_SERVICES } from "./_ui_services.ts";
import { MODEL_SERVERS, modelWebServer, WEB_SERVER_REFERENCE } from "./_inference_servers.ts";
import { CALL_REFERENCES, judgeCall } from "./_python_calls.ts";
import { type Reach, reachOf, type Route } from "./_reach.ts";

const MAX_LAUNCHES = 20_000;
const MAX_CALLS = 20_000;
const RULES = [...UI_SERVICES, ...MODEL_SERVERS];

const Params = z.object({
  allowUnits: z.array(z.string()).default([]).describe(
    "Units exposed on purpose, as the snapshot names them (compose service, " +
      "`Deployment/name/container`, Procfile process…); `*` matches any run of characters",
  ),
  reportUnpublished: z.boolean().default(true).describe(
    "Also report (as warnings) services listening on every interface that nothing publishes: " +
      "reachable from their compose network or cluster only",
  ),
}).strict();

type Params = z.output<typeof Params>;

const ORIGIN_LABEL: Record<Launch["origin"], string> = {
  compose: "compose service",
  kubernetes: "Kubernetes container",
  helm: "Helm chart container",
  dockerfile: "Dockerfile",
  procfile: "Procfile process",
  shell: "script",
  makefile: "Make target",
  workflow: "CI step",
};

/** What to do about each way a unit is published, besides the service's own fix. */
const ROUTE_FIX: Record<Route["via"], string> = {
  "port": 'publish the port on 127.0.0.1 only (ports: "127.0.0.1:HOST:CONTAINER")',
  "load-balancer": "make the Service ClusterIP and route to it through an authenticating gateway",
  "node-port": "make the Service ClusterIP and route to it through an authenticating gateway",
  "ingress": "put authentication on the Ingress (oauth2-proxy, the controller's auth annotations)",
  "host-network": "drop host networking",
  "expose": "",
  "procfile": "run it as a worker process, not web, or put the app's own login in front",
};

/**
 * `infra.no-unauthenticated-ui`: known MLOps UIs and model servers (MLflow, Jupyter, TensorBoard,
 * the Ray dashboard, Gradio, Streamlit, Label Studio, Kubeflow, BentoML, TorchServe, Triton, vLLM,
 * TGI, model-serving web apps) do not listen on a network without authentication.
 *
 * @example
 * ```ts
 * import { noUnauthenticatedUi } from "./no_unauthenticated_ui.ts";
 * noUnauthenticatedUi({ allowUnits: ["demo-*"] });
 * ```
 */
export const noUnauthenticatedUi = defineCheck({
  id: "infra.no-unauthenticated-ui",
  title: "MLOps UIs and model servers are not reachable without authentication",
  description: "An MLflow, Jupyter, Ray or Gradio UI, or a model server, that listens on a " +
    "network without authentication hands its models, data and often code execution to " +
    "whoever reaches it. Each service in the deployment files, scripts and Python code is " +
    "judged by the address it listens on (its flags, variables and defaults), its own " +
    "authentication, and what publishes it: published without authentication is an error; " +
    "listening on every interface but reachable only from its compose network or cluster, or " +
    "from wherever a script runs it, is a warning; so is an address known only at run time. " +
    "Loopback, authentication turned on, or an authenticating Ingress in front pass.",
  family: "infra",
  severity: "error",
  references: [
    OWASP_ML06,
    ...RULES.map((rule) => rule.reference),
    ...CALL_REFERENCES,
    KUBEFLOW_REFERENCE,
    WEB_SERVER_REFERENCE,
  ],
  params: Params,
  needs: ["services"],
  remedy: "Keep the service on 127.0.0.1 and reach it through an authenticating proxy, or turn " +
    "on its own authentication (MLflow --app-name basic-auth, a Jupyter token, vLLM --api-key, " +
    "Gradio auth=, RAY_AUTH_MODE=token), and never publish it on a public address without one.",
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    const loadsModel = modelFilesOf(snapshot);
    const allowed = (unit: string) => params.allowUnits.some((glob) => globMatch(glob, unit));
    const launches = snapshot.launches.slice(0, MAX_LAUNCHES).filter((l) => !l.build);
    const invocations = launches.map((launch) => ({ launch, runs: invocationsOf(launch) }));
    for (const { launch, runs } of invocations) {
      if (allowed(launch.unit)) continue;
      const where = `${ORIGIN_LABEL[launch.origin]} ${shown(launch.unit, 60)}`;
      const judgements: Judgement[] = [];
      const kubeflow = kubeflowUi(launch.image);
      if (kubeflow) judgements.push(kubeflow);
      for (const run of runs) {
        const rule = RULES.map((r) => r.judge(run, launch.image)).find((j) => j !== undefined);
        if (rule) judgements.push(rule);
        const web = modelWebServer(run);
        if (web && web.files.some(loadsModel)) judgements.push(web.judgement);
      }
      for (const judgement of judgements) {
        const reach = reachOf(launch, snapshot.exposures, judgement.port);
        const finding = findingFor(judgement, reach, params, where);
        if (finding === undefined) continue;
        findings.push({
          subject: `service:${launch.origin}/${shown(launch.unit, 120)}`,
          location: launch.location,
          ...finding,
        });
      }
    }
    for (const call of snapshot.serverCalls.slice(0, MAX_CALLS)) {
      const runners = invocations.filter(({ runs }) => runs.some((r) => runsFile(r, call)));
      if (runners.some(({ launch }) => allowed(launch.unit))) continue;
      const env = runners.flatMap(({ runs }) => runs.filter((r) => runsFile(r, call)))[0]?.env ??
        new Map();
      const judged = judgeCall(call, env);
      if (judged === undefined || (judged.needsModel && !loadsModel(call.location.file))) continue;
      const reach = worstReach(
        runners.map(({ launch }) => reachOf(launch, snapshot.exposures, judged.judgement.port)),
        call.location.file,
      );
      const runner = runners[0]?.launch;
      const where = `${shown(call.call, 40)} in ${at(call.location)}` +
        (runner ? `, run by ${ORIGIN_LABEL[runner.origin]} ${shown(runner.unit, 60)}` : "");
      const finding = findingFor(judged.judgement, reach, params, where);
      if (finding === undefined) continue;
      findings.push({
        subject: `service:python/${shown(call.location.file, 120)}`,
        location: call.location,
        ...finding,
      });
    }
    return findings;
  },
});

/** `file:line`. */
function at(location: Location): string {
  return `${shown(location.file, 80)}${location.line ? `:${location.line}` : ""}`;
}

/** A predicate: does this project file (as a launch names it) load a model? */
function modelFilesOf(snapshot: Snapshot): (file: string) => boolean {
  const files = new Set(
    [...snapshot.models, ...snapshot.loaderCalls].map((m) => m.location.file),
  );
  return (file) => {
    const bare = file.replace(/^\.?\//, "");
    if (files.has(bare)) return true;
    for (const known of files) if (known.endsWith(`/${bare}`)) return true;
    return false;
  };
}

/** Whether an invocation runs the file a call is in (`python app.py`, `gradio /srv/app.py`). */
function runsFile(run: Invocation, call: ServerCall): boolean {
  if (run.program !== "python" && run.program !== "gradio") return false;
  const script = run.args[0]?.text.replace(/^\.?\//, "");
  if (script === undefined || !script.endsWith(".py")) return false;
  const file = call.location.file;
  return script === file || file.endsWith(`/${script}`) || script.endsWith(`/${file}`);
}

/** The widest of several reaches (a call run by several launches), or unknown when none. */
function worstReach(reaches: Reach[], file: string): Reach {
  const rank = { published: 3, unknown: 2, internal: 1, proxied: 0 } as const;
  if (reaches.length === 0) {
    return {
      level: "unknown",
      routes: [],
      shown: `reachable from whatever network runs ${shown(file, 80)}`,
    };
  }
  return reaches.reduce((worst, r) => rank[r.level] > rank[worst.level] ? r : worst);
}

/** The finding for a service, or undefined when it passes. */
function findingFor(
  judgement: Judgement,
  reach: Reach,
  params: Params,
  where: string,
): Omit<FindingDraft, "subject" | "location"> | undefined {
  const { auth, binding } = judgement;
  if (auth.state === "on") return undefined;
  const without = auth.state === "none"
    ? `without authentication (${auth.shown})`
    : `with no authentication Tollgate can see (${auth.shown})`;
  const evidence = {
    service: judgement.service,
    binding: binding.shown,
    authentication: auth.shown,
    reach: reach.level,
    routes: reach.routes.map((r) => ({ ...r.location, route: r.shown })),
  };
  const routes = reach.routes.map((r) => `${r.shown} (${at(r.location)})`).join("; ");
  const fixes = [...new Set(reach.routes.map((r) => ROUTE_FIX[r.via]).filter(Boolean))];
  const fix = judgement.fix + (fixes.length ? ` Or ${fixes.join("; ")}.` : "");
  if (judgement.publicLink !== undefined) {
    return {
      severity: "error",
      message: `${judgement.service} (${where}) opens ${judgement.publicLink} ${without}: ` +
        "anyone with the link reaches it.",
      evidence,
      fix,
    };
  }
  if (judgement.publishedOnly) {
    if (reach.level !== "published" && reach.level !== "unknown") return undefined;
    return {
      severity: reach.level === "published" ? "error" : "warning",
      message: `${judgement.service} (${where}) ${auth.shown}, but is ${routes}.`,
      evidence,
      fix,
    };
  }
  if (binding.scope === "loopback" || reach.level === "proxied") return undefined;
  if (binding.scope === "unknown") {
    return {
      severity: "warning",
      message: `${judgement.service} (${where}) listens on ${binding.shown} ${without}; ` +
        "Tollgate cannot tell whether that is a network address" +
        (routes ? `, and it is ${routes}.` : "."),
      evidence,
      fix,
    };
  }
  const severity: Severity = reach.level === "published" && auth.state === "none"
    ? "error"
    : "warning";
  if (reach.level === "internal" && !params.reportUnpublished) return undefined;
  const how = reach.routes.length ? `, ${routes}` : `; ${reach.shown}`;
  return {
    severity,
    message: `${judgement.service} (${where}) listens on ${binding.shown} ${without}${how}.`,
    evidence,
    fix,
  };
}
