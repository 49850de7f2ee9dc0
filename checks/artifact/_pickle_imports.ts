/**
 * How `artifact.no-unsafe-pickle` judges one pickle import, the way CPython's unpickler would
 * resolve it: Python 2 names mapped as `_compat_pickle` maps them, a dotted name walked attribute
 * by attribute (protocol 4+), dunder segments reaching interpreter internals. Deny by default:
 * only what the safe list (and the policy's `allow`) names is safe.
 *
 * @module
 */
import { globToRegExp } from "../../core/glob.ts";
import type { PickleGlobal } from "../../core/snapshot.ts";

/**
 * Globals that rebuild tensors, arrays and plain containers: what benign torch, NumPy and joblib
 * files import. `*` stays within one dotted segment.
 *
 * @example
 * ```ts
 * import { SAFE_PICKLE_GLOBALS } from "./_pickle_imports.ts";
 * SAFE_PICKLE_GLOBALS.includes("torch._utils._rebuild_tensor_v2"); // true
 * ```
 */
export const SAFE_PICKLE_GLOBALS: readonly string[] = [
  "collections.OrderedDict",
  "collections.defaultdict",
  "builtins.set",
  "builtins.frozenset",
  "builtins.bytearray",
  "builtins.slice",
  "builtins.complex",
  "builtins.range",
  "_codecs.encode",
  "copyreg._reconstructor",
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
  "torch._utils._rebuild_qtensor",
  "torch._utils._rebuild_sparse_tensor",
  "torch._tensor._rebuild_from_type_v2",
  "torch.Size",
  "torch.device",
  "torch.dtype",
  "torch.*Storage",
  "torch.storage._load_from_bytes",
  "torch.float*",
  "torch.int*",
  "torch.bfloat16",
  "torch.bool",
  "numpy.core.multiarray._reconstruct",
  "numpy.core.multiarray.scalar",
  "numpy._core.multiarray._reconstruct",
  "numpy._core.multiarray.scalar",
  "numpy.ndarray",
  "numpy.dtype",
  "numpy.dtypes.*",
  "joblib.numpy_pickle.NumpyArrayWrapper",
];

/**
 * Globals that execute code, reach the OS, the network, files or the interpreter: a pickle
 * importing one of them runs it on load. `*` crosses dots here (`os.*` covers `os.path.join`).
 *
 * @example
 * ```ts
 * import { DANGEROUS_PICKLE_GLOBALS } from "./_pickle_imports.ts";
 * DANGEROUS_PICKLE_GLOBALS.includes("posix.*"); // true
 * ```
 */
export const DANGEROUS_PICKLE_GLOBALS: readonly string[] = [
  // processes and the OS
  "os.*",
  "posix.*",
  "nt.*",
  "subprocess.*",
  "_posixsubprocess.*",
  "pty.*",
  "multiprocessing.*",
  "_thread.*",
  "threading.*",
  "signal.*",
  "resource.*",
  // evaluating code
  "builtins.eval",
  "builtins.exec",
  "builtins.compile",
  "builtins.__import__",
  "builtins.getattr",
  "builtins.setattr",
  "builtins.delattr",
  "builtins.open",
  "builtins.input",
  "builtins.breakpoint",
  "builtins.globals",
  "builtins.locals",
  "builtins.vars",
  "runpy.*",
  "code.*",
  "codeop.*",
  "timeit.*",
  "cProfile.*",
  "profile.*",
  "pdb.*",
  "bdb.*",
  "trace.*",
  "doctest.*",
  "pydoc.*",
  "pkgutil.*",
  "importlib.*",
  "imp.*",
  "zipimport.*",
  "ensurepip.*",
  "venv.*",
  "idlelib.*",
  "types.CodeType",
  "types.FunctionType",
  "types.MethodType",
  "functools.partial",
  "functools.reduce",
  "operator.*",
  "_operator.*",
  "ctypes.*",
  "_ctypes.*",
  "cffi.*",
  "numpy.f2py.*",
  "numpy.testing._private.utils.runstring",
  "numpy.load",
  "numpy.lib.npyio.*",
  "torch.load",
  "torch.serialization.*",
  "torch.hub.*",
  "torch._inductor.*",
  "torch.jit.*",
  "torch.package.*",
  "torch.utils.cpp_extension.*",
  // other unpicklers
  "pickle.*",
  "_pickle.*",
  "dill.*",
  "cloudpickle.*",
  "joblib.load",
  "marshal.*",
  "shelve.*",
  // files and the network
  "io.*",
  "_io.*",
  "shutil.*",
  "tempfile.*",
  "glob.*",
  "fileinput.*",
  "pathlib.*",
  "socket.*",
  "_socket.*",
  "socketserver.*",
  "ssl.*",
  "http.*",
  "urllib.*",
  "requests.*",
  "aiohttp.*",
  "httpx.*",
  "ftplib.*",
  "smtplib.*",
  "telnetlib.*",
  "xmlrpc.*",
  "webbrowser.*",
  "mailcap.*",
  "asyncio.*",
  "sys.*",
  "gc.*",
  "inspect.*",
  "ast.*",
  // an extension code CPython's registry would have to resolve: unknowable from the file
  "copyreg-extension.*",
];

/**
 * Python 2 module names the unpickler renames (CPython's `_compat_pickle.IMPORT_MAPPING`).
 * tests/checks/artifact/pickle_imports_test.ts compares this table with the interpreter's own.
 *
 * @example
 * ```ts
 * import { PYTHON2_MODULES } from "./_pickle_imports.ts";
 * PYTHON2_MODULES.get("urllib2"); // "urllib.request"
 * ```
 */
export const PYTHON2_MODULES: ReadonlyMap<string, string> = new Map([
  ["__builtin__", "builtins"],
  ["copy_reg", "copyreg"],
  ["Queue", "queue"],
  ["SocketServer", "socketserver"],
  ["ConfigParser", "configparser"],
  ["repr", "reprlib"],
  ["tkFileDialog", "tkinter.filedialog"],
  ["tkSimpleDialog", "tkinter.simpledialog"],
  ["tkColorChooser", "tkinter.colorchooser"],
  ["tkCommonDialog", "tkinter.commondialog"],
  ["Dialog", "tkinter.dialog"],
  ["Tkdnd", "tkinter.dnd"],
  ["tkFont", "tkinter.font"],
  ["tkMessageBox", "tkinter.messagebox"],
  ["ScrolledText", "tkinter.scrolledtext"],
  ["Tkconstants", "tkinter.constants"],
  ["Tix", "tkinter.tix"],
  ["ttk", "tkinter.ttk"],
  ["Tkinter", "tkinter"],
  ["markupbase", "_markupbase"],
  ["_winreg", "winreg"],
  ["thread", "_thread"],
  ["dummy_thread", "_dummy_thread"],
  ["dbhash", "dbm.bsd"],
  ["dumbdbm", "dbm.dumb"],
  ["dbm", "dbm.ndbm"],
  ["gdbm", "dbm.gnu"],
  ["xmlrpclib", "xmlrpc.client"],
  ["SimpleXMLRPCServer", "xmlrpc.server"],
  ["httplib", "http.client"],
  ["htmlentitydefs", "html.entities"],
  ["HTMLParser", "html.parser"],
  ["Cookie", "http.cookies"],
  ["cookielib", "http.cookiejar"],
  ["BaseHTTPServer", "http.server"],
  ["test.test_support", "test.support"],
  ["commands", "subprocess"],
  ["urlparse", "urllib.parse"],
  ["robotparser", "urllib.robotparser"],
  ["urllib2", "urllib.request"],
  ["anydbm", "dbm"],
  ["_abcoll", "collections.abc"],
  ["cPickle", "pickle"],
  ["_elementtree", "xml.etree.ElementTree"],
  ["FileDialog", "tkinter.filedialog"],
  ["SimpleDialog", "tkinter.simpledialog"],
  ["DocXMLRPCServer", "xmlrpc.server"],
  ["SimpleHTTPServer", "http.server"],
  ["CGIHTTPServer", "http.server"],
  ["UserDict", "collections"],
  ["UserList", "collections"],
  ["UserString", "collections"],
  ["whichdb", "dbm"],
  ["StringIO", "io"],
  ["cStringIO", "io"],
]);

/**
 * Python 2 (module, name) pairs renamed as a whole (`_compat_pickle.NAME_MAPPING`), but for the
 * `exceptions` module, whose names all move to `builtins` (see {@linkcode python3Name}).
 *
 * @example
 * ```ts
 * import { PYTHON2_NAMES } from "./_pickle_imports.ts";
 * PYTHON2_NAMES.get("urllib urlopen"); // "urllib.request urlopen"
 * ```
 */
export const PYTHON2_NAMES: ReadonlyMap<string, string> = new Map([
  ["__builtin__ xrange", "builtins range"],
  ["__builtin__ reduce", "functools reduce"],
  ["__builtin__ intern", "sys intern"],
  ["__builtin__ unichr", "builtins chr"],
  ["__builtin__ unicode", "builtins str"],
  ["__builtin__ long", "builtins int"],
  ["__builtin__ basestring", "builtins str"],
  ["itertools izip", "builtins zip"],
  ["itertools imap", "builtins map"],
  ["itertools ifilter", "builtins filter"],
  ["itertools ifilterfalse", "itertools filterfalse"],
  ["itertools izip_longest", "itertools zip_longest"],
  ["UserDict IterableUserDict", "collections UserDict"],
  ["UserDict UserDict", "collections UserDict"],
  ["UserList UserList", "collections UserList"],
  ["UserString UserString", "collections UserString"],
  ["whichdb whichdb", "dbm whichdb"],
  ["_socket fromfd", "socket fromfd"],
  ["_multiprocessing Connection", "multiprocessing.connection Connection"],
  ["multiprocessing.process Process", "multiprocessing.context Process"],
  ["multiprocessing.forking Popen", "multiprocessing.popen_fork Popen"],
  ["urllib ContentTooShortError", "urllib.error ContentTooShortError"],
  ["urllib getproxies", "urllib.request getproxies"],
  ["urllib pathname2url", "urllib.request pathname2url"],
  ["urllib quote_plus", "urllib.parse quote_plus"],
  ["urllib quote", "urllib.parse quote"],
  ["urllib unquote_plus", "urllib.parse unquote_plus"],
  ["urllib unquote", "urllib.parse unquote"],
  ["urllib url2pathname", "urllib.request url2pathname"],
  ["urllib urlcleanup", "urllib.request urlcleanup"],
  ["urllib urlencode", "urllib.parse urlencode"],
  ["urllib urlopen", "urllib.request urlopen"],
  ["urllib urlretrieve", "urllib.request urlretrieve"],
  ["urllib2 HTTPError", "urllib.error HTTPError"],
  ["urllib2 URLError", "urllib.error URLError"],
  ["multiprocessing AuthenticationError", "multiprocessing.context AuthenticationError"],
  ["multiprocessing BufferTooShort", "multiprocessing.context BufferTooShort"],
  ["multiprocessing ProcessError", "multiprocessing.context ProcessError"],
  ["multiprocessing TimeoutError", "multiprocessing.context TimeoutError"],
  ["socket _socketobject", "socket SocketType"],
  ["exceptions StandardError", "builtins Exception"],
]);

/**
 * The (module, name) CPython 3 imports for a pickle's global when it maps Python 2 names
 * (protocols 0–2): whole-pair renames first, then `exceptions.*` → `builtins.*`, then the module.
 *
 * @example
 * ```ts
 * import { python3Name } from "./_pickle_imports.ts";
 * python3Name({ module: "__builtin__", name: "eval" }); // { module: "builtins", name: "eval" }
 * ```
 */
export function python3Name(global: PickleGlobal): PickleGlobal {
  const pair = PYTHON2_NAMES.get(`${global.module} ${global.name}`);
  if (pair !== undefined) {
    const [module, name] = pair.split(" ");
    return { module, name };
  }
  if (global.module === "exceptions") return { module: "builtins", name: global.name };
  return { module: PYTHON2_MODULES.get(global.module) ?? global.module, name: global.name };
}

/** The judgement of one import. */
export interface ImportVerdict {
  /** `dangerous`: runs code or reaches internals; `unknown`: not on the safe list. */
  verdict: "dangerous" | "unknown" | "safe";
  /** The dotted name shown, as Python 3 resolves it. */
  name: string;
  /** Why it is dangerous, when that is not the deny list. */
  why?: string;
}

/** Compiled safe and deny lists. */
export interface ImportRules {
  /** Safe list and `allow`, `*` within one dotted segment. */
  safe: { glob: string; re: RegExp }[];
  /** Deny list and `deny`, `*` across dots. */
  deny: RegExp[];
}

/**
 * Compile the built-in lists with a policy's `allow` and `deny`.
 *
 * @example
 * ```ts
 * import { importRules } from "./_pickle_imports.ts";
 * importRules({ allow: ["sklearn.**"], deny: [] }).safe.length > 0; // true
 * ```
 */
export function importRules(params: { allow: string[]; deny: string[] }): ImportRules {
  return {
    safe: [...SAFE_PICKLE_GLOBALS, ...params.allow].map((glob) => ({
      glob,
      re: globToRegExp(glob, { separator: "." }),
    })),
    deny: [...DANGEROUS_PICKLE_GLOBALS, ...params.deny].map((g) => globToRegExp(g)),
  };
}

const DUNDER = /^__.+__$/;

/**
 * Judge one import as CPython would resolve it. Protocol 4+ walks a dotted name attribute by
 * attribute (`numpy.dtypes` + `__builtins__.get` reaches `eval`), so a dunder segment is
 * dangerous, and so is any walk that a safe-list entry does not name exactly.
 *
 * @example
 * ```ts
 * import { classifyImport, importRules } from "./_pickle_imports.ts";
 * const rules = importRules({ allow: [], deny: [] });
 * classifyImport({ module: "numpy.dtypes", name: "__builtins__.get" }, rules).verdict; // "dangerous"
 * classifyImport({ module: "torch._utils", name: "_rebuild_tensor_v2" }, rules).verdict; // "safe"
 * ```
 */
export function classifyImport(global: PickleGlobal, rules: ImportRules): ImportVerdict {
  if (global.module === "?") {
    return { verdict: "dangerous", name: "?.?", why: "an import the scanner could not resolve" };
  }
  const mapped = python3Name(global);
  const name = `${mapped.module}.${mapped.name}`;
  const original = `${global.module}.${global.name}`;
  const moduleParts = mapped.module.split(".");
  const nameParts = mapped.name.split(".");
  if (
    nameParts.some((p) => DUNDER.test(p)) ||
    moduleParts.some((p) => DUNDER.test(p) && p !== "__main__")
  ) {
    return { verdict: "dangerous", name, why: "reaches a dunder attribute" };
  }
  if (rules.deny.some((re) => re.test(name) || re.test(original))) {
    return { verdict: "dangerous", name };
  }
  if (nameParts.length > 1) {
    // A walk is safe only where a safe entry names it exactly, not through `**`.
    const named = rules.safe.some(({ glob, re }) => !glob.includes("**") && re.test(name));
    return named
      ? { verdict: "safe", name }
      : { verdict: "dangerous", name, why: "walks attributes past an importable name" };
  }
  return rules.safe.some(({ re }) => re.test(name))
    ? { verdict: "safe", name }
    : { verdict: "unknown", name };
}
