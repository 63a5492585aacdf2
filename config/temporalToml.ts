// Reads Temporal's client configuration file (TEMPORAL_CONFIG_FILE, the TOML the Temporal
// CLI and the SDKs' environment configuration share). Only the part of TOML those files
// use: [tables], strings (basic, literal, multi-line) and booleans. Anything else is
// refused with its line, rather than misread. (@temporalio/envconfig, which parses full
// TOML, is not a dependency: README "Configuration".)
import { ConfigError } from './configError';

type Table = { [key: string]: string | boolean | Table };

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

function unescapeBasic(s: string, fail: (why: string) => never): string {
  return s.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e in ESCAPES) return ESCAPES[e]!;
    return fail(`unknown escape \\${e}`);
  });
}

/** A key of a header or an assignment: bare or quoted parts, dotted keys split. */
function parseKeyPath(text: string, fail: (why: string) => never): string[] {
  const parts: string[] = [];
  const part = /\s*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  for (;;) {
    const m = part.exec(text);
    if (!m) return fail(`not a key: ${text}`);
    parts.push(m[1] ?? m[2] ?? m[3]!);
    if (m[4] === '') return parts;
  }
}

export function parseTemporalToml(text: string, file: string): Table {
  const root: Table = {};
  let current = root;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const fail = (why: string): never => {
      throw new ConfigError(`${file}:${lineNo}: ${why} (casework reads TOML tables, strings and booleans)`);
    };
    const enter = (table: Table, keys: string[]): Table =>
      keys.reduce<Table>((t, k) => {
        const next = (t[k] ??= {});
        if (typeof next !== 'object') fail(`${keys.join('.')} is both a value and a table`);
        return next as Table;
      }, table);
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[[')) fail('arrays of tables are not used by Temporal config files');
    const header = /^\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      current = enter(root, parseKeyPath(header[1]!, fail));
      continue;
    }
    const eq = /^((?:"[^"]*"|'[^']*'|[^=])+?)\s*=\s*(.*)$/.exec(line);
    if (!eq) fail('expected [table] or key = value');
    const keys = parseKeyPath(eq![1]!, fail);
    let rest = eq![2]!;
    let value: string | boolean;
    const multi = /^("""|''')/.exec(rest);
    if (multi) {
      // A multi-line string: up to the closing delimiter, the first newline dropped.
      const delim = multi[1]!;
      let body = rest.slice(3);
      while (!body.includes(delim)) {
        if (++i >= lines.length) fail(`unterminated ${delim} string`);
        body += '\n' + lines[i]!;
      }
      const end = body.indexOf(delim);
      rest = body.slice(end + 3);
      body = body.slice(0, end).replace(/^\r?\n/, '');
      value = delim === '"""' ? unescapeBasic(body, fail) : body;
    } else {
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(rest) ?? /^'([^']*)'/.exec(rest) ?? /^(true|false)\b/.exec(rest);
      if (!m) fail(`${keys.join('.')}: only strings and true/false are understood, not ${rest}`);
      rest = rest.slice(m![0].length);
      value = m![0] === 'true' ? true : m![0] === 'false' ? false : m![0].startsWith('"') ? unescapeBasic(m![1]!, fail) : m![1]!;
    }
    if (!/^\s*(#.*)?$/.test(rest)) fail(`unexpected text after the value: ${rest.trim()}`);
    const table = enter(current, keys.slice(0, -1));
    const last = keys[keys.length - 1]!;
    if (last in table) fail(`${keys.join('.')} is set twice`);
    table[last] = value;
  }
  return root;
}
