/**
 * `pip install` into an image's system interpreter: a Dockerfile `RUN` whose pip (or
 * `python -m pip`, or `uv pip install --system`) installs packages with no virtual environment
 * active for it. What makes one active is the collector's (`Launch.venv`: its `bin` first on
 * PATH, or an `activate` sourced); an interpreter or pip run by a virtual environment's path
 * (`/opt/venv/bin/pip`) is one too. `VIRTUAL_ENV` alone moves uv, not pip or python. `--target`,
 * `--prefix` and `--root` install elsewhere and are isolation; `--user` is not. Installing only
 * the tools that build environments (pip, setuptools, wheel, uv, virtualenv) is no finding.
 *
 * @module
 */
import type { CommandWord, Launch } from "../../core/snapshot.ts";

/** One install into an image's system interpreter. */
export interface SystemInstall {
  /** The launch (a Dockerfile RUN command). */
  launch: Launch;
  /** The command as written, cut for a message. */
  command: string;
  /** Why it counts, beyond "no virtual environment is active" (`--user`, VIRTUAL_ENV only…). */
  note?: string;
}

const VENV_HOME = /(?:^|\/)(?:\.?venv|\.?virtualenvs?|[^/]+[-_.]venv|venv[-_.][^/]+)\/bin\/[^/]+$/i;
const PIP = /^pip(?:\d+(?:\.\d+)?)?$/;
const PYTHON = /^python(?:\d+(?:\.\d+)?)?$/;
const BOOTSTRAP = new Set(["pip", "setuptools", "wheel", "uv", "virtualenv", "pipx"]);
const ELSEWHERE = new Set(["--target", "-t", "--prefix", "--root"]);
/** pip install options that take a value (so the value is no package). */
const VALUED = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-e",
  "--editable",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "--trusted-host",
  "--python",
  "--platform",
  "--python-version",
  "--implementation",
  "--abi",
  "--cache-dir",
  "--src",
  "--progress-bar",
  "--root-user-action",
  "--config-settings",
  "-C",
  "--global-option",
  "--no-binary",
  "--only-binary",
  "--upgrade-strategy",
  "--log",
  "--timeout",
  "--retries",
  "--proxy",
  "--cert",
  "--client-cert",
  "--exists-action",
  "--report",
  "--keyring-provider",
]);

const MAX_WORDS = 1_000;

function base(word: CommandWord | undefined): string {
  const text = word?.text ?? "";
  return text.slice(text.lastIndexOf("/") + 1);
}

/** Whether a pip's arguments install anything besides the environment-building tools. */
function installsPackages(args: readonly CommandWord[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const text = args[i].text;
    if (text === "-r" || text === "--requirement" || text === "-e" || text === "--editable") {
      return true;
    }
    if (/^(?:-r|--requirement=|-e|--editable=)./.test(text)) return true;
    if (text.startsWith("-")) {
      if (VALUED.has(text)) i++;
      continue;
    }
    const name = text.toLowerCase().match(/^[a-z0-9._-]+/)?.[0]?.replace(/[._]/g, "-") ?? text;
    if (!BOOTSTRAP.has(name)) return true;
  }
  return false;
}

/**
 * The install a Dockerfile RUN command makes into the image's system interpreter, if it makes one.
 *
 * @param launch A launch (only Dockerfile build steps count).
 * @returns The install, or undefined.
 */
export function systemInstall(launch: Launch): SystemInstall | undefined {
  if (launch.origin !== "dockerfile" || !launch.build) return undefined;
  let words = launch.argv.slice(0, MAX_WORDS);
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0].text)) words = words.slice(1);
  if (base(words[0]) === "env") {
    words = words.slice(1).filter((w) => !/^[A-Za-z_]\w*=/.test(w.text));
  }
  const program = words[0];
  let rest: CommandWord[];
  let uv = false;
  if (PIP.test(base(program))) rest = words.slice(1);
  else if (PYTHON.test(base(program)) && words[1]?.text === "-m" && words[2]?.text === "pip") {
    rest = words.slice(3);
  } else if (base(program) === "uv" && words[1]?.text === "pip") {
    uv = true;
    rest = words.slice(2);
  } else return undefined;
  if (rest[0]?.text !== "install") return undefined;
  const args = rest.slice(1);
  const options = new Set(args.map((w) => w.text.split("=")[0]));
  if ([...ELSEWHERE].some((o) => options.has(o))) return undefined;
  if (!installsPackages(args)) return undefined;
  const command = [...words.map((w) => w.text).join(" ")].map((c) => c < " " ? " " : c).join("");
  const shown = command.length > 100 ? `${command.slice(0, 99)}…` : command;
  if (uv) {
    const system = options.has("--system") ||
      launch.env.some((e) =>
        e.name === "UV_SYSTEM_PYTHON" && /^(?:1|true|yes)$/i.test(e.value ?? "")
      );
    if (!system) return undefined; // uv installs into a virtual environment or refuses to run
    return { launch, command: shown, note: "uv pip install --system" };
  }
  if (VENV_HOME.test(program.text)) return undefined;
  const python = options.has("--python")
    ? args.find((_, i) => args[i - 1]?.text === "--python")
    : undefined;
  if (python && (VENV_HOME.test(python.text) || VENV_HOME.test(`${python.text}/bin/python`))) {
    return undefined;
  }
  const venv = launch.venv;
  if (venv && venv.via !== "VIRTUAL_ENV") return undefined;
  const note = venv?.via === "VIRTUAL_ENV"
    ? `VIRTUAL_ENV=${venv.path} is set but its bin is not first on PATH, so pip is the image's`
    : options.has("--user")
    ? "--user installs for the image's interpreter too"
    : options.has("--break-system-packages")
    ? "--break-system-packages overrides the interpreter's own refusal"
    : undefined;
  return { launch, command: shown, ...(note ? { note } : {}) };
}
