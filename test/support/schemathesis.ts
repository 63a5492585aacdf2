// Runs schemathesis (`st run`, installed by scripts/install-schemathesis.js) against a
// stack's OpenAPI document and returns what it printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Seeded } from './conformanceSeed';

export const ST_BIN = path.resolve(__dirname, '..', '..', '.tools', 'schemathesis', 'bin', 'st');

/** The checks the run enforces: no 5xx, every status and body as documented, JSON bodies. */
export const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance', 'content_type_conformance'];

export interface StRun {
  exitCode: number | null;
  output: string;
  seconds: number;
  timedOut: boolean;
}

const toml = (v: unknown) => JSON.stringify(v);

/**
 * schemathesis.toml: the seeded identifiers as dictionaries that path and body
 * parameters draw from 3 times in 4 (the rest stays random: 404s, 400s).
 */
export function writeConfig(dir: string, seeded: Seeded, opts: { allowNul: boolean }): string {
  const dict = (name: string, values: Array<string | number>) => `[dictionaries.${name}]\nvalues = ${toml(values)}\n`;
  const bind = (key: string, name: string) => `${toml(key)} = { dictionary = ${toml(name)}, probability = 0.75 }`;
  const text = [
    // Runs stay independent: no example database or cache carried between them.
    '[cache]\nenabled = false\n',
    `[generation]\nallow-x00 = ${opts.allowNul}\ndatabase = "none"\n`,
    dict('caseNos', seeded.caseNos),
    dict('complaintNos', seeded.complaintNos),
    dict('tokens', seeded.tokens),
    dict('engineerIds', seeded.engineerIds),
    dict('webhookIds', seeded.webhookIds),
    dict('aftercareIds', seeded.aftercareIds),
    '[parameters]',
    bind('path.caseNo', 'caseNos'),
    bind('query.caseNo', 'caseNos'),
    bind('body.caseNo', 'caseNos'),
    bind('path.complaintNo', 'complaintNos'),
    bind('path.token', 'tokens'),
    bind('body.engineerId', 'engineerIds'),
    '',
    // `{id}` is an engineer id on /engineers, a number elsewhere.
    `[[operations]]\ninclude-path-regex = "^/engineers/"\nparameters = { ${bind('path.id', 'engineerIds')} }\n`,
    `[[operations]]\ninclude-path-regex = "^/webhooks/"\nparameters = { ${bind('path.id', 'webhookIds')} }\n`,
    `[[operations]]\ninclude-path-regex = "^/(callbacks|maintenance)/"\nparameters = { ${bind('path.id', 'aftercareIds')} }\n`,
  ].join('\n');
  const file = path.join(dir, 'schemathesis.toml');
  fs.writeFileSync(file, text);
  return file;
}

/** `st run`, killed after `timeoutMs` (a hang is a failure too, not a stuck suite). */
export function runSchemathesis(args: {
  cwd: string;
  config: string;
  schemaUrl: string;
  apiKey: string;
  maxExamples: number;
  seed: number;
  timeoutMs: number;
}): Promise<StRun> {
  const argv = [
    '--config-file',
    args.config,
    'run',
    args.schemaUrl,
    '--header',
    `Authorization: Bearer ${args.apiKey}`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(args.maxExamples),
    '--seed',
    String(args.seed),
    '--workers',
    '2',
    '--request-timeout',
    '20',
    '--no-color',
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(ST_BIN, argv, { cwd: args.cwd, env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, args.timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output, seconds: Math.round((Date.now() - started) / 100) / 10, timedOut });
    });
  });
}

/** The lines between a heading (e.g. "SUMMARY") and the closing rule, for the log. */
export function section(output: string, heading: string): string {
  const start = output.search(new RegExp(`=+ ${heading} =+`));
  return start < 0 ? '' : output.slice(start).trimEnd();
}
