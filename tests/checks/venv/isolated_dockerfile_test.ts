// venv.isolated on Dockerfiles: pip installing packages into an image's system interpreter, one
// finding per stage; a virtualenv first on PATH or activated, a venv's own pip, --target and
// --prefix are isolation, --user and VIRTUAL_ENV alone are not.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import type { Launch } from "../../../core/snapshot.ts";
import { launch, runCheck, snapshotOf, venv } from "../../../testing.ts";

const at = (line: number) => ({ file: "Dockerfile", line });
const run = (command: string, line: number, more: Partial<Launch> = {}) =>
  launch(command, {
    origin: "dockerfile",
    unit: "build",
    build: true,
    image: "python:3.11-slim",
    location: at(line),
    ...more,
  });
const onPath = { path: "/opt/venv", via: "PATH" as const, location: at(2) };

async function isolated(launches: Launch[], extra: Parameters<typeof snapshotOf>[0] = {}) {
  return await runCheck(
    checks.venv.isolated(),
    snapshotOf({ environments: [venv(".venv")], launches, ...extra }),
  );
}

Deno.test("pip, pip3, python -m pip and uv pip --system into the image's interpreter: one finding per stage", async () => {
  const findings = await isolated([
    run("pip install --no-cache-dir -r requirements.txt", 3),
    run("python3 -m pip install torch==2.3.1", 4),
    run("pip3 install --user mlflow", 5),
    run("uv pip install --system pandas", 6),
    run("pip install --break-system-packages fastapi", 9, { unit: "runtime" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.subject, f.location, f.message]), [
    [
      "image:Dockerfile#build",
      at(3),
      "Dockerfile stage build runs `pip install --no-cache-dir -r requirements.txt` (and 3 more " +
      "RUN commands) into the image's system interpreter: no virtual environment is active for it.",
    ],
    [
      "image:Dockerfile#runtime",
      at(9),
      "Dockerfile stage runtime runs `pip install --break-system-packages fastapi` into the " +
      "image's system interpreter: no virtual environment is active for it " +
      "(--break-system-packages overrides the interpreter's own refusal).",
    ],
  ]);
  assert.deepEqual(findings[0].evidence?.commands, [
    { file: "Dockerfile", line: 3, command: "pip install --no-cache-dir -r requirements.txt" },
    { file: "Dockerfile", line: 4, command: "python3 -m pip install torch==2.3.1" },
    { file: "Dockerfile", line: 5, command: "pip3 install --user mlflow" },
    { file: "Dockerfile", line: 6, command: "uv pip install --system pandas" },
  ]);
  assert.ok(
    findings.every((f) =>
      f.severity === "error" && f.fix?.includes("ENV PATH=/opt/venv/bin:$PATH")
    ),
  );
});

Deno.test("isolation: a venv first on PATH or activated, a venv's own pip, --target/--prefix, uv without --system, bootstrap tools", async () => {
  assert.deepEqual(
    await isolated([
      run("pip install -r requirements.txt", 3, { venv: onPath }),
      run("pip install -r requirements.txt", 4, {
        venv: { path: "/app/.venv", via: "activate", location: at(4) },
      }),
      run("/opt/venv/bin/pip install scipy", 5),
      run("/app/.venv/bin/python -m pip install scipy", 6),
      run("pip install --target /deps numpy", 7),
      run("pip install --prefix=/install -r requirements.txt", 8),
      run("uv pip install -r requirements.txt", 9),
      run("pip install --upgrade pip setuptools wheel uv", 10),
      run("python -m venv /opt/venv", 11),
      run("pip install --python /opt/venv numpy", 12),
      run("pip download torch", 13),
      run("pip install torch", 14, { build: false }),
      run("pip install torch", 15, { origin: "shell", unit: "setup.sh" }),
    ]),
    [],
  );
});

Deno.test("VIRTUAL_ENV alone moves uv, not pip: the note says why the install still counts", async () => {
  const [finding] = await isolated([
    run("pip install rich", 12, {
      venv: { path: "/opt/venv", via: "VIRTUAL_ENV", location: at(11) },
    }),
    run("uv pip install rich", 13, {
      venv: { path: "/opt/venv", via: "VIRTUAL_ENV", location: at(11) },
    }),
  ]);
  assert.match(
    finding.message,
    /\(VIRTUAL_ENV=\/opt\/venv is set but its bin is not first on PATH, so pip is the image's\)\.$/,
  );
  assert.equal((finding.evidence?.commands as unknown[]).length, 1);
});

Deno.test("a Dockerfile that builds its venv shows isolation: no 'no virtualenv' warning; without services, launches are not read", async () => {
  const facts = { launches: [run("pip install -r requirements.txt", 3, { venv: onPath })] };
  assert.deepEqual(
    await runCheck(checks.venv.isolated(), snapshotOf({ environments: [], ...facts })),
    [],
  );
  const legacy = await runCheck(
    checks.venv.isolated(),
    snapshotOf({
      environments: [venv(".venv")],
      launches: [run("pip install torch", 3)],
      collected: ["environments"],
    }),
  );
  assert.deepEqual(legacy, []);
});

Deno.test("hostile RUN lines: control characters are blanked and long commands cut", async () => {
  const [finding] = await isolated([run(`pip install ${"a\u0007".repeat(500)}`, 3)]);
  assert.ok(![...finding.message].some((c) => c < " "));
  assert.ok(finding.message.length < 300);
});
