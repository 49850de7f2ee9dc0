// How artifact.no-unsafe-pickle judges one import, as CPython's unpickler resolves it.
import assert from "node:assert/strict";
import {
  classifyImport,
  importRules,
  PYTHON2_MODULES,
  PYTHON2_NAMES,
  python3Name,
} from "../../../checks/artifact/_pickle_imports.ts";

const rules = importRules({ allow: [], deny: [] });
const verdict = (module: string, name: string, r = rules) => classifyImport({ module, name }, r);

Deno.test("the Python 2 tables are CPython's _compat_pickle, entry for entry", async () => {
  const script = "import _compat_pickle as c, json\n" +
    "print(json.dumps({'modules': c.IMPORT_MAPPING, 'names': [[' '.join(k), ' '.join(v)] " +
    "for k, v in c.NAME_MAPPING.items()]}))";
  const out = await new Deno.Command("python3", { args: ["-c", script], stdout: "piped" }).output();
  const python = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(Object.fromEntries(PYTHON2_MODULES), python.modules);
  for (const [from, to] of python.names as [string, string][]) {
    const [module, name] = from.split(" ");
    const mapped = python3Name({ module, name });
    assert.equal(`${mapped.module} ${mapped.name}`, to, from);
  }
  // Every pair we list is one CPython lists (the exceptions module is folded into one rule).
  const names = new Set((python.names as [string, string][]).map(([from]) => from));
  for (const from of PYTHON2_NAMES.keys()) assert.ok(names.has(from), from);
});

Deno.test("safe-list globs stay within one dotted segment; dunders and walks are dangerous", () => {
  assert.equal(verdict("numpy.dtypes", "Float64DType").verdict, "safe");
  assert.equal(verdict("numpy.dtypes", "__builtins__.get").verdict, "dangerous");
  assert.equal(verdict("numpy", "dtypes.__builtins__.get").verdict, "dangerous");
  assert.equal(verdict("numpy.dtypes", "Float64DType.mro").verdict, "dangerous");
  assert.equal(verdict("torch", "Size.count").verdict, "dangerous");
  assert.equal(verdict("posixpath", "os.system").verdict, "dangerous");
  assert.equal(verdict("copyreg", "_reconstructor.__globals__").why, "reaches a dunder attribute");
  assert.equal(verdict("torch", "FloatStorage").verdict, "safe");
  assert.equal(verdict("torch", "Float.Storage").verdict, "dangerous");
  // A user's class pickled from a script is unknown, not dangerous; its dunders are.
  assert.equal(verdict("__main__", "MyModel").verdict, "unknown");
  assert.equal(verdict("__main__", "__builtins__").verdict, "dangerous");
  assert.equal(verdict("?", "?").verdict, "dangerous");
});

Deno.test("deny by default: anything off the safe list is unknown; allow globs admit it", () => {
  assert.equal(verdict("sklearn.linear_model._logistic", "LogisticRegression").verdict, "unknown");
  const one = importRules({ allow: ["sklearn.*"], deny: [] });
  assert.equal(
    verdict("sklearn.linear_model._logistic", "LogisticRegression", one).verdict,
    "unknown",
  );
  const all = importRules({ allow: ["sklearn.**"], deny: [] });
  assert.equal(
    verdict("sklearn.linear_model._logistic", "LogisticRegression", all).verdict,
    "safe",
  );
  // `**` never admits a walk through attributes: the walk must be named exactly.
  assert.equal(verdict("sklearn.base", "np.load", all).verdict, "dangerous");
  const exact = importRules({ allow: ["mypkg.Outer.Inner"], deny: [] });
  assert.equal(verdict("mypkg", "Outer.Inner", exact).verdict, "safe");
  // The deny list wins over allow.
  const both = importRules({ allow: ["os.**"], deny: [] });
  assert.equal(verdict("os", "system", both).verdict, "dangerous");
});

Deno.test("the deny list covers the execution gadgets of public bypass reports", () => {
  for (
    const [module, name] of [
      ["timeit", "timeit"],
      ["cProfile", "run"],
      ["profile", "run"],
      ["pydoc", "locate"],
      ["pydoc", "pipepager"],
      ["pkgutil", "resolve_name"],
      ["ensurepip", "_run_pip"],
      ["mailcap", "findmatch"],
      ["numpy.f2py", "compile"],
      ["_operator", "attrgetter"],
      ["operator", "methodcaller"],
      ["_io", "FileIO"],
      ["urllib2", "urlopen"],
      ["torch.hub", "load"],
      ["torch._inductor.codecache", "compile_file"],
      ["__builtin__", "eval"],
      ["commands", "getoutput"],
      ["bdb", "Bdb"],
      ["runpy", "_run_code"],
      ["copyreg-extension", "3"],
    ]
  ) assert.equal(verdict(module, name).verdict, "dangerous", `${module}.${name}`);
  assert.equal(verdict("urllib2", "urlopen").name, "urllib.request.urlopen");
});
