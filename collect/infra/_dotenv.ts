/**
 * A compose `env_file` read as compose reads it: `KEY=value` lines (`export ` allowed), `#`
 * comments, single quotes literal, double quotes with escapes and spanning lines, unquoted values
 * trimmed and cut at ` #`. `${VAR}` in a value (outside single quotes) is interpolated at run
 * time, so such a value is reported as unresolved.
 *
 * @module
 */

/** One variable of an env file. */
export interface DotenvEntry {
  /** The variable. */
  name: string;
  /** Its value after quote removal. */
  value: string;
  /** Whether the value holds interpolations known at run time only. */
  unresolved: boolean;
  /** 1-based line. */
  line: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Parse an env file's text.
 *
 * @param text The file's text.
 * @returns Its variables and the lines that are not variables, as problems.
 * @example
 * ```ts
 * import { parseDotenv } from "./_dotenv.ts";
 * parseDotenv("# tokens\nexport HF_TOKEN='x y'\nPORT=5000 # web\n").entries.map((e) => e.value);
 * // ["x y", "5000"]
 * ```
 */
export function parseDotenv(
  text: string,
): { entries: DotenvEntry[]; problems: { line: number; message: string }[] } {
  const entries: DotenvEntry[] = [];
  const problems: { line: number; message: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    if (entries.length >= MAX_ENTRIES) {
      problems.push({ line, message: `more than ${MAX_ENTRIES} variables; the rest is not read` });
      break;
    }
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:\s)\s*(.*)$/.exec(raw) ??
      /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)()$/.exec(raw);
    if (!match) {
      problems.push({ line, message: "not a NAME=value line" });
      continue;
    }
    const [, name, rest] = match;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // The value runs to the matching quote, over lines if need be.
      let body = rest.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += "\n" + lines[++i];
        end = closingQuote(body, quote);
      }
      if (end < 0) {
        problems.push({
          line,
          message: `unterminated ${quote === "'" ? "single" : "double"} quote`,
        });
        break;
      }
      const inner = body.slice(0, end);
      const value = quote === "'" ? inner : unescapeDouble(inner);
      entries.push({ name, value, unresolved: quote === '"' && interpolates(inner), line });
      continue;
    }
    const value = rest.replace(/\s+#.*$/, "").trim();
    entries.push({ name, value, unresolved: interpolates(value), line });
  }
  return { entries, problems };
}

function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(text: string): string {
  return text.replace(
    /\\(.)/g,
    (_, c: string) => c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c,
  );
}

function interpolates(value: string): boolean {
  return /\$\{[^}]*\}|\$[A-Za-z_]/.test(value.replace(/\$\$/g, ""));
}
