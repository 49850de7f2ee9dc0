import assert from "node:assert/strict";
import { InstallerSetting } from "../../../core/snapshot.ts";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { pkg } from "../../_pyproject.ts";
import { file, withoutTool } from "./_pyproject_tools.ts";

Deno.test("PDM sources: pypi replaces the default, include/exclude routing, verify_ssl, find_links", () => {
  const text = [
    "[project]",
    'name = "app"',
    'dependencies = ["foo-core>=1", "bar-x", "other"]',
    "",
    "[tool.pdm.dev-dependencies]",
    'lint = ["flake8", "Foo_Utils"]',
    "editable = [",
    '  "-e git+https://github.com/pallets/click.git@main#egg=click",',
    '  "-e ./mypackage/",',
    "]",
    "",
    "[[tool.pdm.source]]",
    'name = "pypi"',
    'url = "https://mirror.example/simple"',
    "",
    "[[tool.pdm.source]]",
    'name = "private"',
    'url = "https://user:pw@private.example:8443/simple"',
    "verify_ssl = false",
    'include_packages = ["foo", "foo-*", "bar-*"]',
    'exclude_packages = ["bar-*"]',
    "",
    "[[tool.pdm.source]]",
    'name = "local"',
    'url = "file:///${PROJECT_ROOT}/packages"',
    'type = "find_links"',
  ].join("\n");
  const found = parsePyproject(text, { file });
  const priv = "https://***@private.example:8443/simple";
  const privateSource = { kind: "index" as const, url: priv, name: "private" };
  assert.deepEqual(found.packages, [
    pkg({ name: "foo-core", specifier: ">=1", source: privateSource, line: 3 }),
    pkg({ name: "bar-x", line: 3 }),
    pkg({ name: "other", line: 3 }),
    pkg({ name: "flake8", groups: ["lint"], line: 6 }),
    pkg({
      name: "foo-utils",
      displayName: "Foo_Utils",
      source: privateSource,
      groups: ["lint"],
      line: 6,
    }),
    pkg({
      name: "click",
      source: { kind: "vcs", vcs: "git", url: "https://github.com/pallets/click.git", ref: "main" },
      editable: true,
      groups: ["editable"],
      line: 8,
    }),
    pkg({
      name: "mypackage",
      nameFrom: "guessed",
      source: { kind: "path", path: "./mypackage/" },
      editable: true,
      groups: ["editable"],
      line: 9,
    }),
  ]);
  const at = (line: number) => ({ file, line });
  assert.deepEqual(found.indexes.map(withoutTool("pdm")), [
    { url: "https://mirror.example/simple", role: "primary", name: "pypi", location: at(12) },
    { url: priv, role: "extra", name: "private", location: at(16) },
    {
      url: "file:///${PROJECT_ROOT}/packages",
      role: "find-links",
      name: "local",
      location: at(23),
    },
  ]);
  assert.deepEqual(found.settings, [
    { name: "trusted-host", value: "private.example:8443", location: at(16) },
  ]);
  for (const setting of found.settings) InstallerSetting.parse(setting);
  assert.deepEqual(found.problems, []);
});
