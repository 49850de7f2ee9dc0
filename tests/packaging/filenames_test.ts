import assert from "node:assert/strict";
import fc from "fast-check";
import {
  distributionVersion,
  isDistributionFilename,
  linkFilename,
  parseWheelFilename,
  sdistVersion,
} from "../../packaging/filenames.ts";
import { pythonJson } from "../_python.ts";

Deno.test("wheel names split as pip splits them: build tag, escaped name, '_' in the version", () => {
  assert.deepEqual(parseWheelFilename("foo_bar-1.0-1build-py3-none-any.whl"), {
    distribution: "foo_bar",
    version: "1.0",
    build: "1build",
    python: "py3",
    abi: "none",
    platform: "any",
  });
  assert.equal(parseWheelFilename("a-1.0_post1-py3-none-any.whl")?.version, "1.0-post1");
  for (
    const bad of [
      "a-1.0-py3-none.whl",
      "a-1.0-x-y-py3-none-any.whl",
      "a-1.0-nodigit-py3-none-any.whl",
      "a b-1.0-py3-none-any.whl",
      "a--py3-none-any.whl",
      "a-1.0-py3-none-any.tar.gz",
    ]
  ) {
    assert.equal(parseWheelFilename(bad), undefined, bad);
  }
});

Deno.test("a distribution file name fixes a version only for its own project", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["torch-2.3.1+cu121-cp311-cp311-linux_x86_64.whl", "torch", "2.3.1+cu121"],
    ["Scikit_Learn-1.5.0-cp311-cp311-win_amd64.whl", "scikit-learn", "1.5.0"],
    ["torch-2.3.1-cp311-cp311-linux_x86_64.whl", "torchvision", undefined],
    ["torch-${TORCH_VERSION}-cp311-cp311-linux_x86_64.whl", "torch", undefined],
    ["foo-bar-1.0.tar.gz", "foo-bar", "1.0"],
    ["foo-bar-1.0.tar.gz", "foo", undefined],
    ["Foo.Bar-1.0.zip", "foo-bar", "1.0"],
    ["foo-1.0.TAR.GZ", "foo", "1.0"],
    ["foo-1.0.tar.bz2", "foo", "1.0"],
    ["foo-latest.tar.gz", "foo", undefined],
    ["foo.tar.gz", "foo", undefined],
    ["foo-1.0.egg", "foo", undefined],
    ["408a0f48f988b6c5b180e07f0cb1d05997bf0dcc.zip", "qwix", undefined],
  ];
  for (const [filename, project, version] of cases) {
    assert.equal(distributionVersion(filename, project), version, `${filename} for ${project}`);
  }
  assert.ok(isDistributionFilename("x-1.0.tgz"));
  assert.ok(!isDistributionFilename("repo.git"));
});

Deno.test("linkFilename: last segment, no query or fragment, percent-decoded", () => {
  const cases: Array<[string, string]> = [
    [
      "https://download.pytorch.org/whl/cu121/torch-2.3.1%2Bcu121-cp311-cp311-linux_x86_64.whl",
      "torch-2.3.1+cu121-cp311-cp311-linux_x86_64.whl",
    ],
    ["https://h/p/x-1.0.tar.gz?download=1#sha256=ab", "x-1.0.tar.gz"],
    ["https://h/p/x-1.0.tar.gz#egg=x", "x-1.0.tar.gz"],
    ["./dist/x-1.0-py3-none-any.whl", "x-1.0-py3-none-any.whl"],
    ["C:\\wheels\\x-1.0-py3-none-any.whl", "x-1.0-py3-none-any.whl"],
    ["https://h/dir/", "dir"],
    ["https://h/bad%zz.whl", "bad%zz.whl"],
    ["", ""],
  ];
  for (const [link, filename] of cases) assert.equal(linkFilename(link), filename, link);
});

Deno.test("property: a written name and version always come back; nothing else throws", () => {
  const name = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,10}[A-Za-z0-9])?$/);
  const version = fc.tuple(fc.nat(99), fc.nat(99), fc.constantFrom("", "rc1", ".post2", "+cu121"))
    .map(([a, b, suffix]) => `${a}.${b}${suffix}`);
  fc.assert(fc.property(name, version, fc.boolean(), (project, v, wheel) => {
    const escaped = wheel ? project.replace(/[-_.]+/g, "_") : project;
    const filename = wheel ? `${escaped}-${v}-py3-none-any.whl` : `${escaped}-${v}.tar.gz`;
    assert.equal(distributionVersion(filename, project), v, filename);
    assert.equal(distributionVersion(filename, project + "x"), undefined, filename);
  }));
  fc.assert(fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 12 }), (text, p) => {
    parseWheelFilename(text);
    distributionVersion(text, p);
    linkFilename(text);
  }));
  // Hostile lengths are refused at once rather than scanned dash by dash.
  assert.equal(distributionVersion("a-".repeat(100_000) + "1.tar.gz", "a"), undefined);
});

/** pip's own reading: its Wheel class, and packaging's parse_sdist_filename (both vendored). */
const PIP_FILENAMES = `
import json, sys
from pip._internal.models.wheel import Wheel
from pip._internal.exceptions import InvalidWheelFilename
from pip._vendor.packaging.utils import canonicalize_name, parse_sdist_filename
from pip._vendor.packaging.version import Version, InvalidVersion
out = []
for filename, project in json.load(sys.stdin):
    answer = None
    try:
        if filename.endswith(".whl"):
            wheel = Wheel(filename)
            if canonicalize_name(wheel.name) == canonicalize_name(project):
                Version(wheel.version)
                answer = wheel.version
        else:
            stem = filename[:-7] if filename.endswith(".tar.gz") else filename[:-4]
            name, version = parse_sdist_filename(filename)
            if name == canonicalize_name(project):
                answer = stem.rpartition("-")[2]
    except (InvalidWheelFilename, InvalidVersion, ValueError):
        answer = None
    out.append(answer)
print(json.dumps(out))
`;

Deno.test("differential: wheel and sdist versions agree with pip's own reading", async () => {
  const name = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._]{0,8}[A-Za-z0-9])?$/)
    .filter((n) => !n.includes("__"));
  const version = fc.oneof(
    fc.tuple(fc.nat(30), fc.nat(30)).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom("1.0rc1", "2.3.1+cu121", "1!2.0", "1.0.post1", "v1.0", "1.0_rc1", "latest"),
    fc.constantFrom("${V}", "1.0+a_b", "", "1..0"),
  );
  const tags = fc.constantFrom("py3-none-any", "cp311-cp311-linux_x86_64", "1-py3-none-any");
  const cases = fc.sample(
    fc.tuple(name, version, fc.constantFrom("whl", "tar.gz", "zip"), tags, fc.boolean()).map(
      ([project, v, kind, tag, sameName]) => {
        const written = kind === "whl" ? project.replace(/[-.]+/g, "_") : project;
        const filename = kind === "whl" ? `${written}-${v}-${tag}.whl` : `${written}-${v}.${kind}`;
        return [filename, sameName ? project : project + "-other"] as [string, string];
      },
    ),
    { numRuns: 400, seed: 15 },
  );
  const pip = await pythonJson<Array<string | null>>(PIP_FILENAMES, cases);
  const ours = cases.map(([filename, project]) => distributionVersion(filename, project) ?? null);
  const differences = cases.map((c, i) => [c, ours[i], pip[i]]).filter(([, a, b]) => a !== b);
  assert.deepEqual(differences, []);
  assert.ok(pip.filter((v) => v !== null).length > 100, "too few cases name a version");
});

Deno.test("sdistVersion picks the version after the project's own name", () => {
  assert.equal(sdistVersion("foo-bar-2.0.tar.gz", "foo_bar"), "2.0");
  assert.equal(sdistVersion("foo-bar-2.0.tar.gz", "bar"), undefined);
  assert.equal(sdistVersion("foo-2.0 1.tar.gz", "foo"), undefined);
});
