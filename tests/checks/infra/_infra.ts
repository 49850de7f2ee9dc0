// Shared by the infra check tests: run infra.no-unauthenticated-ui on launches, exposures and
// server calls, and read the findings back as [severity, subject] pairs or whole.
import { checks } from "../../../checks/mod.ts";
import type { Finding } from "../../../core/check.ts";
import type { Exposure, Launch, LoaderCall, ServerCall } from "../../../core/snapshot.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

/** The findings of infra.no-unauthenticated-ui for these facts. */
export function uiFindings(
  facts: {
    launches?: Launch[];
    exposures?: Exposure[];
    serverCalls?: ServerCall[];
    loaderCalls?: LoaderCall[];
  },
  params: Parameters<typeof checks.infra.noUnauthenticatedUi>[0] = {},
): Promise<Finding[]> {
  return runCheck(checks.infra.noUnauthenticatedUi(params), snapshotOf(facts));
}

/** `severity subject` for each finding, in report order. */
export async function verdicts(
  facts: Parameters<typeof uiFindings>[0],
  params?: Parameters<typeof uiFindings>[1],
): Promise<string[]> {
  return (await uiFindings(facts, params)).map((f) => `${f.severity} ${f.subject}`);
}

/** A loader call in `file`, so a web server whose app is that file serves a model. */
export function loadsModel(file: string): LoaderCall {
  return { call: "torch.load", options: {}, location: { file, line: 3 } };
}
