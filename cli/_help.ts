/**
 * Help texts for each command.
 *
 * @module
 */

const COMMON = `Common options:
  --policy FILE        policy file (.yaml, .yml, .toml, pyproject.toml, or a .ts module)
  --format F[=PATH]    text | json | sarif | junit | markdown | github | cyclonedx; repeatable;
                       =PATH writes to a file (default: text to stdout; at most one format goes to
                       stdout). cyclonedx: the snapshot as a CycloneDX 1.6 JSON BOM (packages with
                       purls, hashes and indexes, models, model files, the dependency graph) with
                       each component's verdict as properties
  --offline            no network: registry data only from the cache and --osv-db; checks whose
                       data is not there are skipped, not errored
  --cache-dir DIR      HTTP cache (default: $XDG_CACHE_HOME/tollgate or ~/.cache/tollgate)
  --pypi-url BASE      PyPI JSON API (default https://pypi.org), or a PEP 691 index ending in /simple
  --osv-url BASE       OSV API (default https://api.osv.dev)
  --osv-db PATH        a local OSV database instead: directory or zip of JSON/YAML records
  --hf-url BASE        Hugging Face Hub API (default https://huggingface.co)
  --integrity-url BASE PyPI Integrity API for PEP 740 attestations (default: the PyPI base)
  --expand-env         expand \${VAR} in requirements files from the environment, as pip does
                       (off by default: a scanned project could print your secrets into the report)
  --no-machine-config  read only the project: not pip's global/user/base/site config files, uv's
                       user/system uv.toml, nor the PIP_* / UV_* variables that pip and uv would
                       use on this machine (each read only for a project that installs with it)
  --no-verify-installed  do not hash installed files against their RECORD (faster; the
                       signature.installed-integrity check then errors: unverified is not clean)
  --now DATE           evaluation time (ISO 8601 or YYYY-MM-DD), for reproducible reports
  --strict             ignore all waivers
  --baseline FILE      fail only on findings not recorded in FILE (from --write-baseline); known
                       findings are still reported, fixed ones listed (check and eval)
  --write-baseline FILE  record this run's findings (waived ones excepted) in FILE
  --path-prefix DIR    the project's folder inside the repository, put before paths in sarif and
                       github output (code scanning and annotations resolve from the repository root)
  --progress           show progress on stderr even when it is not a terminal (CI logs)
  --fail-on SEVERITY   error | warning | info: lowest severity that fails (overrides the policy)
  --allow-incomplete   exit 0 instead of 3 when input was unreadable or a check errored
  --quiet              text: only failures, problems and the summary line
  --no-color           never colour (colour is used only on a terminal, never with NO_COLOR)
  --debug              print stack traces for unexpected errors
  -h, --help           this help`;

/**
 * Help text per command; `main` is the overview.
 *
 * @example
 * ```ts
 * import { HELP } from "./_help.ts";
 * HELP.check.startsWith("Usage: tollgate check"); // true
 * ```
 */
export const HELP: Readonly<Record<string, string>> = {
  main: `tollgate — policy-as-code for the machine-learning supply chain (OWASP ML06)

Usage: tollgate <command> [options]

Commands:
  check [DIR]          collect a snapshot of DIR (default .) and evaluate the policy
  snapshot [DIR]       print the snapshot JSON of DIR (or --output FILE)
  eval SNAPSHOT        evaluate a stored snapshot JSON file (or --sbom BOM.json: a CycloneDX BOM)
  diff BASE HEAD       review a change: packages, indexes, models, model files and signatures
                       that entered, left or changed, and the findings it adds or fixes
  scan PATH…           judge model files and directories only (pickle, PyTorch, joblib, NumPy,
                       safetensors): quick triage of a download
  verify-model PATH    verify an OpenSSF Model Signing signature (model.sig) of a model
                       directory or file against a trusted key, CA or Sigstore identity
  sign-model PATH      sign a model directory or file with a private key (OpenSSF Model
                       Signing v1.0 bundle, as model_signing writes; model.sig by default)
  checks               list the built-in checks
  explain CHECK        describe one check: params, fix, the ML06 item it enforces
  init [DIR]           write a starter policy (tollgate.yaml, or --type ts)
  schema KIND          print the JSON Schema of: snapshot | report | policy

Exit codes: 0 passed · 1 policy failed · 2 usage or configuration error · 3 could not complete
Run 'tollgate <command> --help' for a command's options.`,
  check: `Usage: tollgate check [DIR] [options]

Collects facts from DIR (default: .) and evaluates a policy. Without --policy, the first of
tollgate.yaml, tollgate.yml, tollgate.toml, [tool.tollgate] in pyproject.toml found in DIR is used,
else the built-in 'recommended' policy. A tollgate.policy.ts is code and is loaded only with --policy.

${COMMON}

Exit codes: 0 passed · 1 policy failed · 2 usage or configuration error · 3 could not complete`,
  snapshot: `Usage: tollgate snapshot [DIR] [--output FILE] [--enrich] [--now DATE]

Prints the snapshot (tollgate.snapshot/v1 JSON) of DIR (default: .): every fact collected, and
every input that could not be read. Validate it with 'tollgate schema snapshot'.

  --output FILE        write to FILE instead of stdout
  --enrich             also fetch the registry data the policy's checks need (PyPI, OSV, Hub,
                       PyPI Integrity), so 'tollgate eval' reproduces the verdict offline; takes
                       --policy, --offline, --cache-dir, --pypi-url, --osv-url, --osv-db, --hf-url,
                       --integrity-url as 'check' does
  --expand-env         expand \${VAR} in requirements files from the environment, as pip does
  --no-machine-config  leave out this machine's pip and uv config files and PIP_* / UV_* variables
  --no-verify-installed  do not hash installed files against their RECORD
  --now DATE           collection time written into the snapshot
  --debug              print stack traces for unexpected errors`,
  eval: `Usage: tollgate eval SNAPSHOT [options]
       tollgate eval --sbom BOM.json [options]

Evaluates a stored snapshot (from 'tollgate snapshot' or another producer). Without --policy,
uses the built-in 'recommended' policy.

  --sbom FILE          evaluate a CycloneDX JSON BOM (spec 1.2 to 1.7, from cdxgen, Syft, …)
                       instead: its PyPI and conda packages (purl, version, hashes, index,
                       dependencies) and Hugging Face models. Registry data the policy needs is
                       fetched as for 'check'. What a BOM cannot record (indexes, installer
                       settings, virtualenvs, model files, signatures, code) is reported as
                       missing, so the checks that need it error: never assumed to pass

${COMMON}`,
  scan: `Usage: tollgate scan PATH… [options]

Judges model files and directories only: every pickle they embed (raw, PyTorch zip and legacy,
joblib, NumPy object arrays) by its imports, and whether the format can run code at all. Each
finding's subject is the file path. Uses the artifact checks of --policy, else of 'recommended'.

${COMMON}`,
  "verify-model": `Usage: tollgate verify-model PATH [--signature FILE] TRUST… [options]

Verifies an OpenSSF Model Signing (OMS) signature, as written by model_signing v0.2 to v1.1: the
Sigstore bundle's DSSE signature against whom you trust, then every file under PATH against the
signed sha256 digests. PATH is a model directory, or a file signed on its own.

Trust (at least one):
  --key PEM            a trusted public key (ECDSA P-256/P-384/P-521 or Ed25519); repeatable
  --cert-chain PEM     trusted CA certificate(s) for certificate signing; repeatable
  --identity ID --issuer URL
                       a trusted Sigstore keyless signer: certificate identity (e-mail, workflow
                       URI) and its OIDC issuer, matched exactly; repeatable in pairs
  --trusted-root FILE  Sigstore trusted_root.json for keyless verification (default: the bundled
                       public-good root; pin your own for air-gapped or private Sigstore)

Options:
  --signature FILE     the bundle (default: model.sig in PATH, or beside a file PATH)
  --ignore-paths P     paths under PATH that may exist unsigned (repeatable or comma-separated);
                       the signature's own ignore_paths, model.sig and git's files always are
  --format text|json   output (default text)
  --now DATE           time at which certificates must be valid (default: now)

Verdicts: valid · unsigned · malformed · bad-signature · untrusted-signer · digest-mismatch (names
the files) · unsigned-extra-files · incomplete.
Exit codes: 0 valid · 1 invalid (the verdict says why) · 2 usage · 3 could not complete`,
  "sign-model": `Usage: tollgate sign-model PATH --key PRIVATE.pem [options]

Signs a model directory, or one model file, with a private key: every regular file's sha256 in an
in-toto statement (predicate https://model_signing/signature/v1.0, "files" serialization), signed
in a DSSE envelope inside a Sigstore bundle v0.3, as model_signing v1.1 writes for key signing.
Verify it with 'tollgate verify-model PATH --key PUBLIC.pem' or model_signing's 'verify key'.
Left out of the signature and recorded in its ignore_paths: the --ignore-paths, the signature file
when it is inside PATH, and git's .git, .gitattributes, .github, .gitignore. Symbolic links, FIFOs
and devices are refused (model_signing's default); leave them out with --ignore-paths.

  --key PEM            the private key: PEM PKCS#8 or SEC1, unencrypted; ECDSA P-256, P-384,
                       P-521 or Ed25519 (required)
  --output FILE        where to write the bundle (default: model.sig in PATH, or beside a file
                       PATH)
  --ignore-paths P     paths relative to PATH to leave out (repeatable or comma-separated;
                       a directory leaves out everything under it)
  --force              replace an existing output file
  --debug              print stack traces for unexpected errors

Exit codes: 0 signed · 2 usage (bad key, symlinks, existing output…) · 3 could not complete`,
  diff: `Usage: tollgate diff BASE HEAD [options]
       tollgate diff --git REV [HEAD] [options]
       tollgate diff --git REV --git REV [options]

Reviews what a change brings into the supply chain. Each side is a project directory, a snapshot
JSON file (from 'tollgate snapshot'), or a git revision of the project: the first --git is BASE,
a second one HEAD (HEAD defaults to the project directory). Revisions are read from git's objects
with the git command; the work tree is never touched.

Lists packages added, removed, upgraded, downgraded, moved to another source or index, and kept at
the same version with different hashes (a re-uploaded or swapped file); indexes, channels and
installer settings; environments; hub models (publisher, revision, remote code); model files (new
pickle imports, format); signatures (signer changed, removed). The policy is evaluated on both
sides and findings are matched by fingerprint (as baselines are): the change fails only on
findings it adds at or above the policy's failOn.

Without --policy, BASE's policy file is used (tollgate.yaml, … as 'check' finds it), so a change
cannot weaken the policy that reviews it; else HEAD's when BASE is a snapshot; else 'recommended'.
When a side is a git revision, virtual environments are compared on neither side.

  --git REV            a revision (branch, tag, commit, HEAD~1, origin/main); at most two
  --project DIR        the project's directory in the git work tree (default: .)
  --policy FILE        policy file
  --format F[=PATH]    text | json | markdown (for a pull-request comment); repeatable; =PATH
                       writes to a file (default: text to stdout)
  --offline, --cache-dir, --pypi-url, --osv-url, --osv-db, --hf-url, --integrity-url,
  --expand-env, --no-machine-config, --no-verify-installed, --now, --strict, --fail-on,
  --allow-incomplete, --progress, --no-color, --debug
                       as for 'check'; applied to both sides

Exit codes: 0 no new finding fails · 1 HEAD adds findings at or above failOn · 2 usage or
configuration error (an unknown revision) · 3 could not complete`,
  checks: `Usage: tollgate checks [--format text|json]

Lists the built-in checks: id, family, default severity and title.`,
  explain: `Usage: tollgate explain CHECK

Describes one check: what it fails on and why, its params with defaults, how to fix findings,
and the OWASP ML06 prevention item it enforces in the recommended policy.`,
  init: `Usage: tollgate init [DIR] [--type yaml|ts] [--force]

Writes a starter policy into DIR (default: .): tollgate.yaml (default) or tollgate.policy.ts,
extending 'recommended' with each check listed so you can tune it. Refuses to overwrite an
existing file unless --force.`,
  schema: `Usage: tollgate schema snapshot|report|policy

Prints the JSON Schema (draft 2020-12) of a snapshot, a report, or a YAML/TOML policy file.`,
};
