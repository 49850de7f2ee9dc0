import assert from "node:assert/strict";
import fc from "fast-check";
import { formatPurl, MAX_PURL_LENGTH, parsePurl, type Purl } from "../../core/purl.ts";

Deno.test("purls of the types Tollgate writes, as the purl type definitions give them", () => {
  assert.equal(
    formatPurl({ type: "pypi", name: "Django_AllAuth", version: "12.23" }),
    "pkg:pypi/django-allauth@12.23",
  );
  assert.equal(
    formatPurl({ type: "pypi", name: "zope..interface__x" }),
    "pkg:pypi/zope-interface-x",
  );
  assert.equal(
    formatPurl({
      type: "conda",
      name: "absl-py",
      version: "0.4.1",
      qualifiers: { type: "tar.bz2", subdir: "linux-64", channel: "main", build: "py36h06a4308_0" },
    }),
    "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
  );
  assert.equal(
    formatPurl({
      type: "huggingface",
      namespace: "microsoft",
      name: "deberta-v3-base",
      version: "559062AD13D311B87B2C455E67DCD5F1C8F65111",
      qualifiers: { repository_url: "https://hub-ci.huggingface.co" },
    }),
    "pkg:huggingface/microsoft/deberta-v3-base@559062ad13d311b87b2c455e67dcd5f1c8f65111" +
      "?repository_url=https:%2F%2Fhub-ci.huggingface.co",
  );
  // A branch name is case-sensitive in git: only a commit id is lowercased.
  assert.equal(
    formatPurl({ type: "huggingface", namespace: "Org", name: "Model", version: "Release-V1" }),
    "pkg:huggingface/Org/Model@Release-V1",
  );
  assert.equal(
    formatPurl({ type: "huggingface", name: "distilbert-base-uncased", version: "043235d6" }),
    "pkg:huggingface/distilbert-base-uncased@043235d6",
  );
  assert.equal(
    formatPurl({
      type: "GitHub",
      namespace: "Package-URL",
      name: "Purl-Spec",
      version: "244fd47e07d1004",
      subpath: "/everybody/./loves/../dogs/",
    }),
    "pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs",
  );
});

Deno.test("percent-encoding: UTF-8 triplets for all but letters, digits, .-_~ and the colon", () => {
  assert.equal(
    formatPurl({
      type: "generic",
      namespace: "a b/c@d",
      name: "n?a#m&e",
      version: "1.0+local/x",
      qualifiers: { download_url: "https://h/p?q=1&r=é" },
    }),
    "pkg:generic/a%20b/c%40d/n%3Fa%23m%26e@1.0%2Blocal%2Fx" +
      "?download_url=https:%2F%2Fh%2Fp%3Fq%3D1%26r%3D%C3%A9",
  );
  assert.deepEqual(
    parsePurl(
      "pkg:generic/a%20b/c%40d/n%3Fa%23m%26e@1.0%2Blocal%2Fx" +
        "?download_url=https:%2F%2Fh%2Fp%3Fq%3D1%26r%3D%C3%A9",
    ),
    {
      type: "generic",
      namespace: "a b/c@d",
      name: "n?a#m&e",
      version: "1.0+local/x",
      qualifiers: { download_url: "https://h/p?q=1&r=é" },
    },
  );
  // '+' is a plus, never a space, and '~' and ':' stay as they are.
  assert.deepEqual(parsePurl("pkg:generic/x@1+2~3:4"), {
    type: "generic",
    name: "x",
    version: "1+2~3:4",
  });
});

Deno.test("parsing accepts the lenient forms and normalises by type", () => {
  assert.deepEqual(parsePurl("PKG://PyPI/Zope.Interface@6.0?file_name=Zope.Interface-6.0.tar.gz"), {
    type: "pypi",
    name: "zope-interface",
    version: "6.0",
    qualifiers: { file_name: "Zope.Interface-6.0.tar.gz" },
  });
  assert.deepEqual(
    parsePurl("pkg:conda/numpy@1.26.4?subdir=linux-64&CHANNEL=conda-forge&build=&type=conda"),
    {
      type: "conda",
      name: "numpy",
      version: "1.26.4",
      qualifiers: { channel: "conda-forge", subdir: "linux-64", type: "conda" },
    },
  );
  assert.deepEqual(parsePurl("pkg:huggingface/google/gemma-2b@ABCDEF0123"), {
    type: "huggingface",
    namespace: "google",
    name: "gemma-2b",
    version: "abcdef0123",
  });
  assert.deepEqual(parsePurl("pkg:github/Package-URL/Purl-Spec@v1#/docs//./x/"), {
    type: "github",
    namespace: "package-url",
    name: "purl-spec",
    version: "v1",
    subpath: "docs/x",
  });
  assert.deepEqual(parsePurl("pkg:npm/%40angular/animation@12.3.1"), {
    type: "npm",
    namespace: "@angular",
    name: "animation",
    version: "12.3.1",
  });
  // The first '?' starts the qualifiers, so a raw '?' in a value stays in the value.
  assert.deepEqual(parsePurl("pkg:generic/x@1?download_url=https://h/f?v=2"), {
    type: "generic",
    name: "x",
    version: "1",
    qualifiers: { download_url: "https://h/f?v=2" },
  });
});

Deno.test("texts that are not package URLs give undefined", () => {
  for (
    const text of [
      "",
      "pypi/torch@1",
      "http://pypi/torch",
      "pkg:",
      "pkg:pypi",
      "pkg:pypi/",
      "pkg:pypi/@1.0",
      "pkg:1pypi/torch",
      "pkg:py_pi/torch",
      "pkg:pypi/acme/torch@1", // pypi has no namespace
      "pkg:conda/main/numpy@1", // nor has conda
      "pkg:generic/x?Bad Key=1",
      "pkg:generic/x?1a=1",
      "pkg:generic/x?a=1&A=2", // a key twice
      "pkg:generic/x%E2%82", // not UTF-8
      "pkg:generic/x@%ZZ",
      "pkg:generic/a%2Fb/x", // a namespace segment with a slash
      "pkg:generic/x#a%2Fb", // a subpath segment with a slash
      "pkg:generic/%2F",
      "pkg:generic/" + "x".repeat(MAX_PURL_LENGTH),
    ]
  ) {
    assert.equal(parsePurl(text), undefined, text);
  }
  assert.equal(parsePurl(undefined as unknown as string), undefined);
});

Deno.test("formatting refuses parts no purl can carry, saying which", () => {
  assert.throws(
    () => formatPurl({ type: "py pi", name: "x" }),
    new TypeError(
      `purl type "py pi" is not ASCII letters, digits, '.', '+' or '-' starting with a letter`,
    ),
  );
  assert.throws(() => formatPurl({ type: "pypi", name: "/" }), new TypeError("purl name is empty"));
  assert.throws(
    () => formatPurl({ type: "pypi", namespace: "acme", name: "x" }),
    new TypeError("purl type pypi has no namespace, but acme was given"),
  );
  assert.throws(
    () => formatPurl({ type: "generic", name: "x", qualifiers: { "a b": "1" } }),
    /purl qualifier key "a b" is not ASCII letters/,
  );
  // Empty parts are left out rather than refused.
  assert.equal(
    formatPurl({ type: "generic", namespace: "/", name: "x", version: "", qualifiers: { a: "" } }),
    "pkg:generic/x",
  );
});

/** Any text without a slash, non-empty: a namespace or subpath segment, or a name. */
const segment = fc.string({ unit: "binary", minLength: 1, maxLength: 12 })
  .filter((text) => !text.includes("/"));
const qualifierKey = fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/);
const canonicalPurl: fc.Arbitrary<Purl> = fc.record({
  type: fc.stringMatching(/^[a-z][a-z0-9.+-]{0,8}$/).filter((type) =>
    !["pypi", "conda", "huggingface", "github"].includes(type)
  ),
  namespace: fc.option(fc.array(segment, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  name: segment,
  version: fc.option(fc.string({ unit: "binary", minLength: 1, maxLength: 16 }), {
    nil: undefined,
  }),
  qualifiers: fc.option(
    fc.dictionary(qualifierKey, fc.string({ unit: "binary", minLength: 1, maxLength: 16 }), {
      minKeys: 1,
      maxKeys: 4,
    }),
    { nil: undefined },
  ),
  subpath: fc.option(
    fc.array(segment.filter((s) => s !== "." && s !== ".."), { minLength: 1, maxLength: 3 }),
    { nil: undefined },
  ),
}, { requiredKeys: ["type", "name"] }).map((parts) => {
  const purl: Purl = { type: parts.type, name: parts.name };
  if (parts.namespace) purl.namespace = (parts.namespace as string[]).join("/");
  if (parts.version !== undefined) purl.version = parts.version;
  if (parts.qualifiers) {
    purl.qualifiers = Object.fromEntries(
      Object.entries(parts.qualifiers).sort(([a], [b]) => a < b ? -1 : 1),
    );
  }
  if (parts.subpath) purl.subpath = (parts.subpath as string[]).join("/");
  return purl;
});

Deno.test("property: a canonical purl survives format then parse unchanged", () => {
  fc.assert(
    fc.property(canonicalPurl, (purl) => {
      const text = formatPurl(purl);
      assert.match(text, /^pkg:[a-z][a-z0-9.+-]*\/[A-Za-z0-9.\-_~:%/@?=&#]+$/);
      assert.deepEqual(parsePurl(text), purl);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: for the typed purls, format after parse is a fixed point", () => {
  const typed = fc.record({
    type: fc.constantFrom("pypi", "conda", "huggingface", "github"),
    name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/),
    namespace: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$/),
    version: fc.stringMatching(/^[0-9A-Fa-f]{1,12}$|^[A-Za-z0-9.+!_-]{1,12}$/),
  }).map(({ type, name, namespace, version }) =>
    type === "pypi" || type === "conda"
      ? { type, name, version }
      : { type, namespace, name, version }
  );
  fc.assert(
    fc.property(typed, (purl) => {
      const text = formatPurl(purl);
      const parsed = parsePurl(text);
      assert.ok(parsed, text);
      assert.equal(formatPurl(parsed), text);
      assert.deepEqual(parsePurl(formatPurl(parsed)), parsed);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: parsing never throws, and what it parses formats back to itself", () => {
  const pieces = ["pkg:", "pypi/", "huggingface/", "/", "@", "?", "&", "=", "#", "%", "%2F", "%C3"];
  const texts = fc.oneof(
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 16 })
      .map((parts) => parts.join("")),
  );
  fc.assert(
    fc.property(texts, (text) => {
      const parsed = parsePurl(text);
      if (parsed === undefined) return;
      assert.deepEqual(parsePurl(formatPurl(parsed)), parsed, text);
    }),
    { numRuns: 3000 },
  );
});
