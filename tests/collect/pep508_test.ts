import assert from "node:assert/strict";
import fc from "fast-check";
import { exactVersion, parsePep508, Pep508Error } from "../../collect/_pep508.ts";
import { normaliseName } from "../../packaging/mod.ts";

Deno.test("parsePep508 reads name, extras, specifier and markers", () => {
  assert.deepEqual(
    parsePep508(
      `Requests[ socks , Security ] >= 2.0 , <3 ; python_version<'3.9' and os.name=="nt"`,
    ),
    {
      name: "Requests",
      normalisedName: "requests",
      extras: ["socks", "Security"],
      specifier: ">=2.0,<3",
      markers: `python_version < "3.9" and os_name == "nt"`,
    },
  );
});

Deno.test("parsePep508 accepts every operator, epochs, local versions and wildcards", () => {
  const cases: Array<[string, string]> = [
    ["a===foobar", "===foobar"],
    ["a~=1.4.2", "~=1.4.2"],
    ["a!=1.*", "!=1.*"],
    ["a==1.*", "==1.*"],
    ["a==1!2.0", "==1!2.0"],
    ["a==2.3.1+cpu", "==2.3.1+cpu"],
    ["a (>=1.0)", ">=1.0"],
    ["a( >=1.0 , <2 )", ">=1.0,<2"],
    ["a>1,<=3,>=2.0rc1", ">1,<=3,>=2.0rc1"],
    ["a", ""],
  ];
  for (const [text, specifier] of cases) assert.equal(parsePep508(text).specifier, specifier, text);
});

Deno.test("parsePep508 reads direct URLs and needs a space before ';' after one", () => {
  assert.deepEqual(
    parsePep508("pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee"),
    {
      name: "pip",
      normalisedName: "pip",
      extras: [],
      specifier: "",
      url: "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
    },
  );
  assert.deepEqual(parsePep508("x[a]@ git+https://h/r.git@v1 ; python_version >= '3'"), {
    name: "x",
    normalisedName: "x",
    extras: ["a"],
    specifier: "",
    url: "git+https://h/r.git@v1",
    markers: `python_version >= "3"`,
  });
  assert.equal(
    parsePep508("x @ https://h/a.whl;python_version>'3'").url,
    "https://h/a.whl;python_version>'3'",
  );
});

Deno.test("parsePep508 canonicalises markers like packaging does", () => {
  const markers = (text: string) => parsePep508("a; " + text).markers;
  assert.equal(markers(`(python_version < '3')`), `python_version < "3"`);
  assert.equal(
    markers(`(os_name=='a' or os_name=='b')and extra=="x"`),
    `(os_name == "a" or os_name == "b") and extra == "x"`,
  );
  assert.equal(markers(`'linux' not   in sys.platform`), `"linux" not in sys_platform`);
  assert.equal(
    markers(`python_implementation=="CPython"`),
    `platform_python_implementation == "CPython"`,
  );
});

Deno.test("parsePep508 says what was expected and where", () => {
  const message = (text: string) => {
    try {
      parsePep508(text);
    } catch (error) {
      assert.ok(error instanceof Pep508Error);
      return error.message;
    }
    assert.fail(`no error for ${text}`);
  };
  assert.equal(message("numpy=="), "expected a version after '==' at column 8, found end of text");
  assert.equal(message("numpy >= 1.0 ,"), "expected an operator at column 15, found end of text");
  assert.equal(message("[x]"), "expected a project name at column 1, found '['");
  assert.equal(message("a[b,"), "expected an extra name at column 5, found end of text");
  assert.equal(
    message("a (>=1"),
    "expected ')' to close the version specifier at column 7, found end of text",
  );
  assert.equal(
    message("a>=1.*"),
    "expected a version without a wildcard after '>=', found '1.*' at column 4",
  );
  assert.equal(
    message("a~=1"),
    "expected a version with at least two release segments after '~=', found '1' at column 4",
  );
  assert.equal(
    message("a==1.0+local.*"),
    "expected a version without a local part after '==', found '1.0+local.*' at column 4",
  );
  assert.equal(
    message("a<1.0+cpu"),
    "expected a version without a local part after '<', found '1.0+cpu' at column 3",
  );
  assert.equal(message("a==foo"), "expected a PEP 440 version after '==', found 'foo' at column 4");
  assert.equal(
    message("a; python_version"),
    "expected a marker operator such as '==' or 'in' at column 18, found end of text",
  );
  assert.equal(
    message("a; os_name == 'x"),
    "expected a closing ' for the string at column 15, found '''",
  );
  assert.equal(
    message("a; (os_name == 'x'"),
    "expected ')' to close the marker group at column 19, found end of text",
  );
  assert.equal(
    message("a; os_name == 'x' xor"),
    "expected 'and', 'or' or end of the marker at column 19, found 'x'",
  );
  assert.equal(message("a @"), "expected a URL after '@' at column 4, found end of text");
  assert.equal(
    message("a 1.0"),
    "expected '[', '(', '@', a version specifier, ';' or end of text at column 3, found '1'",
  );
  assert.equal(message("a==1.0 b"), "expected ',', ';' or end of text at column 8, found 'b'");
});

Deno.test("normaliseName and exactVersion", () => {
  assert.equal(normaliseName("Zope.Interface__X--y"), "zope-interface-x-y");
  assert.equal(exactVersion("==2.3.1"), "2.3.1");
  assert.equal(exactVersion("===weird"), "weird");
  assert.equal(exactVersion("==2.*"), undefined);
  assert.equal(exactVersion("==1,<2"), undefined);
  assert.equal(exactVersion(">=1"), undefined);
  assert.equal(exactVersion(""), undefined);
});

const nameArb = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?$/);
const versionArb = fc.tuple(
  fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
  fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 2, maxLength: 4 }),
  fc.constantFrom("", "rc1", ".post2", ".dev3", "a4"),
).map(([epoch, release, suffix]) => `${epoch ? epoch + "!" : ""}${release.join(".")}${suffix}`);
const clauseArb = fc.oneof(
  fc.tuple(fc.constantFrom("==", "!=", "<=", ">=", "<", ">", "~="), versionArb).map(([o, v]) =>
    o + v
  ),
  fc.tuple(fc.constantFrom("==", "!="), versionArb).map(([o, v]) =>
    `${o}${v.replace(/(?:rc|a|\.post|\.dev)\d+$/, "")}.*`
  ),
  fc.tuple(fc.constantFrom("==", "!="), versionArb).map(([o, v]) => `${o}${v}+cpu.1`),
  fc.stringMatching(/^[a-z0-9.]{1,8}$/).map((v) => "===" + v),
);
const markerArb = fc.tuple(
  fc.constantFrom("python_version", "sys_platform", "extra", "platform_machine"),
  fc.constantFrom("==", "!=", "<", ">=", "in", "not in"),
  fc.stringMatching(/^[a-z0-9._]{0,6}$/),
).map(([v, o, s]) => `${v} ${o} "${s}"`);
const spaceArb = fc.constantFrom("", " ", "  ", "\t");

Deno.test("property: generated requirements round-trip through parsePep508", () => {
  fc.assert(fc.property(
    nameArb,
    fc.array(nameArb, { maxLength: 3 }),
    fc.array(clauseArb, { maxLength: 3 }),
    fc.array(markerArb, { maxLength: 3 }),
    spaceArb,
    fc.boolean(),
    (name, extras, clauses, markers, space, parens) => {
      let text = name + space;
      if (extras.length > 0) text += `[${space}${extras.join(`${space},${space}`)}${space}]`;
      const specifier = clauses.join(`${space},${space}`);
      if (clauses.length > 0) text += parens ? `${space}(${specifier})` : space + specifier;
      const marker = markers.join(" and ");
      if (markers.length > 0) text += `${space};${space}${marker}`;
      const parsed = parsePep508(text);
      assert.equal(parsed.name, name);
      assert.equal(parsed.normalisedName, normaliseName(name));
      assert.deepEqual(parsed.extras, extras);
      assert.equal(parsed.specifier, clauses.join(","));
      assert.equal(parsed.markers, markers.length > 0 ? marker : undefined);
      assert.equal(parsed.url, undefined);
    },
  ));
});

Deno.test("property: parsePep508 either parses or throws Pep508Error with a column in range", () => {
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
    try {
      parsePep508(text);
    } catch (error) {
      assert.ok(error instanceof Pep508Error, String(error));
      assert.ok(error.column >= 1 && error.column <= text.length + 1, error.message);
      assert.match(error.message, /^expected .* at column \d+/);
    }
  }));
});
