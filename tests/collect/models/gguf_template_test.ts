import assert from "node:assert/strict";
import * as path from "node:path";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";
import { llama, read, SSTI, v } from "./_gguf.ts";

// A benign template in the style of the ones models ship: system prompt, alternating roles,
// raise_exception, add_generation_prompt, and the filters that look like attribute access.
const BENIGN_TEMPLATE = String.raw`{%- set ns = namespace(system='') -%}
{%- for message in messages -%}
    {%- if message['role'] == 'system' -%}
        {%- set ns.system = message['content'] | trim -%}
    {%- endif -%}
{%- endfor -%}
{%- set chat = messages | rejectattr('role', 'equalto', 'system') | list -%}
{%- set roles = chat | map(attribute='role') | list -%}
{{- bos_token -}}
{%- if ns.system -%}
    {{- '<|system|>\n' + ns.system + '<|end|>\n' -}}
{%- endif -%}
{%- for message in chat -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}
    {%- endif -%}
    {%- if message['role'] == 'user' -%}
        {{- '<|user|>\n' + message['content'] | trim + '<|end|>\n' -}}
    {%- elif message['role'] == 'assistant' -%}
        {%- if message.tool_calls is defined -%}
            {%- for call in message.tool_calls | selectattr('type', 'equalto', 'function') -%}
                {{- '<tool_call>' + call.function.name + ' ' + call.function.arguments | tojson + '</tool_call>' -}}
            {%- endfor -%}
        {%- endif -%}
        {{- '<|assistant|>\n' + message['content'] | trim + eos_token + '\n' -}}
    {%- else -%}
        {{- raise_exception('Unknown role: ' + message['role'] + '; only ' + roles | join(', ')) -}}
    {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{- '<|assistant|>\n' -}}
{%- endif -%}`;

async function embeddedFindings(bytes: Uint8Array, file = "models/chat.gguf") {
  const artifact = await readModelFile(bytes, { path: file });
  return {
    artifact,
    findings: await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] })),
  };
}

Deno.test("a benign chat template is recorded but not reported", async () => {
  const bytes = llama([
    ["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)],
    ["tokenizer.chat_templates", v.array(8, [v.str("tool_use")])],
    ["tokenizer.chat_template.tool_use", v.str(BENIGN_TEMPLATE.replace("<|system|>", "<|tools|>"))],
  ]);
  const gguf = await read(bytes);
  assert.deepEqual(gguf.problems, []);
  assert.deepEqual(gguf.templates.map((t) => t.key), [
    "tokenizer.chat_template",
    "tokenizer.chat_template.tool_use",
  ]);
  const { artifact, findings } = await embeddedFindings(bytes);
  assert.equal(artifact.format, "gguf");
  assert.deepEqual(artifact.embedded[0], {
    kind: "chat-template",
    value: BENIGN_TEMPLATE,
    where: "tokenizer.chat_template",
  });
  assert.equal(artifact.embedded.length, 2);
  assert.deepEqual(findings, []);
});

Deno.test("template injection in a chat template is an error naming the key", async () => {
  for (const [payload] of SSTI) {
    const template = BENIGN_TEMPLATE.replace("{{- bos_token -}}", payload);
    const { artifact, findings } = await embeddedFindings(
      llama([["tokenizer.chat_template", v.str(template)]]),
    );
    assert.deepEqual(artifact.issues, [], payload);
    assert.equal(findings.length, 1, payload);
    const [finding] = findings;
    assert.equal(finding.check, "artifact.no-embedded-code");
    assert.equal(finding.severity, "error");
    assert.equal(finding.subject, "models/chat.gguf");
    assert.deepEqual(finding.location, { file: "models/chat.gguf" });
    assert.match(
      finding.message,
      /^models\/chat\.gguf \(gguf\): chat template \(tokenizer\.chat_template\) reaches Python internals \(.+\)\.$/,
    );
    assert.equal(finding.evidence?.kind, "chat-template");
    assert.equal(finding.evidence?.where, "tokenizer.chat_template");
  }
  // The matched part is quoted.
  const { findings } = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str(SSTI[2][0])]]),
  );
  assert.match(findings[0].message, /\(__init__\)\.$/);
  // A named template is judged too, under its own key.
  const named = await embeddedFindings(llama([
    ["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)],
    ["tokenizer.chat_template.rag", v.str(SSTI[0][0])],
  ]));
  assert.deepEqual(named.findings.map((f) => f.evidence?.where), ["tokenizer.chat_template.rag"]);
  // Text outside {{ }} and {% %} is output, not code.
  const prose = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str("Mention __class__ and os.system freely. {{ x }}")]]),
  );
  assert.deepEqual(prose.findings, []);
});

// Jinja's lexer decodes string literals with Python's unicode-escape, so '\x5F', '\u005f' and
// '\137' are all "_"; and it reads a string literal whole, so "}}" inside one does not end the
// expression. Each payload below reaches os through __globals__ in an unsandboxed Environment.
Deno.test("template injection spelled with other escapes, or hiding behind '}}', is reported", async () => {
  const evasions = [
    String
      .raw`{{ ''['\x5F\x5Fclass\x5F\x5F']['\x5F\x5Fmro\x5F\x5F'][1]['\x5F\x5Fsubclasses\x5F\x5F']() }}`,
    String
      .raw`{{ cycler['\u005f\u005finit\u005f\u005f']['\u005f\u005fglobals\u005f\u005f']['os']['system']('id') }}`,
    String.raw`{{ lipsum['\137\137globals\137\137']['os']['system']('id') }}`,
    String.raw`{{ '}}' ~ lipsum.__globals__['os'].popen('id').read() }}`,
  ];
  const missed: string[] = [];
  for (const payload of evasions) {
    const { findings } = await embeddedFindings(
      llama([["tokenizer.chat_template", v.str(payload)]]),
    );
    if (findings.length === 0) missed.push(payload);
  }
  assert.deepEqual(missed, [], "template injections artifact.no-embedded-code did not report");
});

// readModelFile keeps the first 1 MiB of a template in the snapshot; Jinja renders all of it.
Deno.test("an injection after a megabyte of template text is still reported", async () => {
  const padded = BENIGN_TEMPLATE + " ".repeat(1024 * 1024) + SSTI[2][0];
  const { artifact, findings } = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str(padded)]]),
  );
  assert.deepEqual([artifact.format, artifact.issues], ["gguf", []]);
  assert.equal(findings.length, 1, "no finding for an injection past the first MiB");
});

Deno.test("collected from a project: only the injected template fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-gguf-" });
  try {
    await Deno.mkdir(path.join(dir, "models"));
    await Deno.writeFile(
      path.join(dir, "models", "ok.gguf"),
      llama([["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)]]),
    );
    await Deno.writeFile(
      path.join(dir, "models", "evil.gguf"),
      llama([["tokenizer.chat_template", v.str(SSTI[2][0])]]),
    );
    const snapshot = await collect({ root: dir, env: {} });
    const byPath = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    assert.equal(byPath.get("models/ok.gguf")?.format, "gguf");
    assert.equal(byPath.get("models/evil.gguf")?.format, "gguf");
    const findings = await runCheck(noEmbeddedCode(), snapshot);
    assert.deepEqual(findings.map((f) => f.subject), ["models/evil.gguf"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
