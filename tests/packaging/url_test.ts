import assert from "node:assert/strict";
import fc from "fast-check";
import { hasCredentials, redactUrl } from "../../packaging/mod.ts";

Deno.test("redactUrl hides user-info, query values and token-like path segments", () => {
  const cases: Array<[string, string]> = [
    ["https://user:pa55@pypi.corp/simple", "https://***@pypi.corp/simple"],
    [
      "https://__token__:pypi-AgEIcHlwaS5vcmc@upload.pypi.org/legacy/",
      "https://***@upload.pypi.org/legacy/",
    ],
    ["https://pypi.corp/simple/?token=QSECRET1&x", "https://pypi.corp/simple/?token=***&***"],
    ["https://pypi.fury.io/a1B2c3D4e5F6g7H8i9J0k/acme/", "https://pypi.fury.io/***/acme/"],
    [
      "git+ssh://git@github.com/org/repo.git@v1#egg=repo",
      "git+ssh://git@github.com/org/repo.git@v1#egg=repo",
    ],
    [
      "https://files.example/p/ab12/torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl#sha256=00ff",
      "https://files.example/p/ab12/torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl#sha256=00ff",
    ],
    [
      `https://github.com/o/r/archive/${"ab12".repeat(10)}.zip`,
      `https://github.com/o/r/archive/${"ab12".repeat(10)}.zip`,
    ],
    ["https://pypi.org/simple", "https://pypi.org/simple"],
    ["./wheels/x.whl", "./wheels/x.whl"],
  ];
  for (const [input, expected] of cases) assert.equal(redactUrl(input), expected, input);
  assert.ok(hasCredentials("https://u:p@h/"));
  assert.ok(!hasCredentials("https://h/simple/"));
});

Deno.test("property: a secret placed in user-info, query or a token segment never survives", () => {
  const secret = fc.stringMatching(/^[A-Za-z]{6}[0-9]{6}[A-Za-z0-9]{10}$/);
  fc.assert(
    fc.property(secret, fc.constantFrom("userinfo", "password", "query", "path"), (s, where) => {
      const url = where === "userinfo"
        ? `https://${s}@h.example/simple`
        : where === "password"
        ? `https://user:${s}@h.example/simple`
        : where === "query"
        ? `https://h.example/simple?key=${s}`
        : `https://h.example/${s}/simple/`;
      assert.ok(!redactUrl(url).includes(s), `${url} → ${redactUrl(url)}`);
      assert.equal(redactUrl(redactUrl(url)), redactUrl(url));
    }),
  );
});
