import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";
import { at } from "./_source.ts";

Deno.test("https-only: the fix names each installer's own TLS switch", async () => {
  const findings = await runCheck(
    checks.source.httpsOnly(),
    snapshotOf({
      settings: [
        { name: "trusted-host", value: "a.example", location: at("requirements.txt", 1) },
        { name: "trusted-host", value: "b.example", location: at("Pipfile", 3) },
        { name: "trusted-host", value: "c.example", location: { file: "env:UV_INSECURE_HOST" } },
        { name: "trusted-host", value: "d.example", location: { file: "env:PIP_TRUSTED_HOST" } },
      ],
    }),
  );
  const fixes = Object.fromEntries(findings.map((f) => [f.subject, f.fix]));
  assert.match(fixes["host:a.example"]!, /^Remove --trusted-host from requirements\.txt/);
  assert.match(fixes["host:b.example"]!, /^Set verify_ssl = true on the source in Pipfile/);
  assert.match(fixes["host:c.example"]!, /^Unset UV_INSECURE_HOST/);
  assert.match(fixes["host:d.example"]!, /^Unset PIP_TRUSTED_HOST/);
});
