/** A throwaway check whose findings a test decides, for exercising the runtime. */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../mod.ts";

/**
 * A check with id `id` returning whatever `drafts()` returns when it runs.
 *
 * @example
 * ```ts ignore
 * const check = fixedCheck("custom.a", () => [{ subject: "s", message: "m" }]);
 * ```
 */
export function fixedCheck(id: string, drafts: () => FindingDraft[]) {
  return defineCheck({
    id,
    title: id,
    description: "",
    family: "custom",
    severity: "error",
    references: [],
    needs: [],
    params: z.object({}),
    remedy: "",
    run: () => drafts(),
  });
}
