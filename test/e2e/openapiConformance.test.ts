// The OpenAPI document is what the API does: schemathesis generates requests from
// /openapi.json (valid and invalid, every operation) and checks each response — no 5xx,
// no status code the operation does not document, no body outside its documented
// schema, JSON where JSON is documented. Bounded by --max-examples and a fixed seed
// (CONFORMANCE_SEED explores another corner); about 2 minutes on 2 cores.
//
// It runs on a stack of its own, not the suite's: the run publishes SLA policies,
// deactivates engineers, subscribes webhooks and opens cases and complaints at random,
// which would leak into every suite that runs after it. Seeded cases, complaints,
// engineers, a webhook, customer links and aftercare rows (conformanceSeed) let most generated
// path parameters name real resources, so 200 bodies are checked on real rows.
//
// Nothing is excluded, with one condition: NUL bytes in generated strings are sent only
// when the API refuses them at the edge (the lead's string middleware on main: 400 for NUL
// or lone surrogates). Without it PostgreSQL rejects a NUL in a text column (a 500) or an
// activity retries it forever (the request hangs); the probe below decides, and the
// test says which way it ran. Lone surrogates are never generated (the utf-8 codec).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedConformanceData, type Seeded } from '../support/conformanceSeed';
import { launch, type Launched } from '../support/globalSetup';
import { call, type KeyName } from '../support/http';
import { runSchemathesis, section, ST_BIN, writeConfig } from '../support/schemathesis';
import { ARTIFACTS, KEYS } from '../support/stackInfo';

const SEED = Number(process.env.CONFORMANCE_SEED ?? 20261201);
const PASSES: Array<{ as: KeyName; maxExamples: number }> = [
  { as: 'admin', maxExamples: 15 },
  // Shorter: another role's refusals (403) and its views of the same resources.
  { as: 'agent', maxExamples: 6 },
];
const RUN_TIMEOUT_MS = 300_000;

const workDir = path.join(ARTIFACTS, 'schemathesis');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-conformance-'));
let stack: Launched | undefined;
let config: string;
let operations: number;

/** Does the API refuse a NUL byte in a body string (400) before it reaches PostgreSQL? */
async function refusesNul(base: string): Promise<boolean> {
  const r = await call('POST', '/cases/CS-19990101-999999/cancel', { base, as: 'admin', body: { reason: 'nul\u0000byte' } });
  return r.status === 400;
}

beforeAll(async () => {
  if (!fs.existsSync(ST_BIN)) throw new Error(`${ST_BIN} is missing: run \`node scripts/install-schemathesis.js\` (npm ci's postinstall does)`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  stack = await launch({
    dataDir,
    logFile: path.join(ARTIFACTS, 'openapi-conformance-stack.log'),
    taskQueue: 'casework-conformance',
    // Thousands of 4xx would each log a warning; 5xx are logged at error.
    env: { LOG_LEVEL: 'error' },
  });
  const base = stack.info.apiUrl;
  const seeded: Seeded = await seedConformanceData({ apiUrl: base, databaseUrl: stack.info.databaseUrl, webhookUrl: stack.info.localGateways!.webhookUrl });
  const allowNul = await refusesNul(base);
  console.log(`openapi conformance: seed ${SEED}; NUL bytes ${allowNul ? 'generated' : 'not generated (the API does not refuse them at the edge yet)'}`);
  config = writeConfig(workDir, seeded, { allowNul });
  const doc = (await call('GET', '/openapi.json', { base, as: null })).body as { paths: Record<string, Record<string, unknown>> };
  operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

function toolCrashed(run: { exitCode: number | null; timedOut: boolean; output: string }): boolean {
  return run.exitCode !== 0 && !run.timedOut && !section(run.output, 'FAILURES') && /Runtime Error/.test(section(run.output, 'ERRORS'));
}

describe('the OpenAPI document matches the API (schemathesis)', () => {
  for (const pass of PASSES) {
    test(
      `as ${pass.as}: every operation, no 5xx, only documented statuses and bodies`,
      async () => {
        const runPass = (seed: number) =>
          runSchemathesis({
            cwd: workDir,
            config,
            schemaUrl: `${stack!.info.apiUrl}/openapi.json`,
            apiKey: KEYS[pass.as],
            maxExamples: pass.maxExamples,
            seed,
            timeoutMs: RUN_TIMEOUT_MS,
          });
        let run = await runPass(SEED);
        // A crash inside schemathesis or hypothesis themselves ("Runtime Error" under ERRORS,
        // no FAILURES; seen as hypothesis's "AST constructor recursion depth mismatch" and a
        // KeyError in its source cache) says nothing about the API. With the same seed the
        // same draw crashes again (twice in a row in CI), so the pass runs again with the
        // next seeds, at most twice, and only then counts.
        for (let retry = 1; retry <= 2 && toolCrashed(run); retry++) {
          console.log(
            `schemathesis as ${pass.as}: the tool itself crashed; running the pass again with seed ${SEED + retry}\n${section(run.output, 'ERRORS').slice(0, 2000)}`,
          );
          run = await runPass(SEED + retry);
        }
        fs.writeFileSync(path.join(workDir, `${pass.as}.txt`), run.output);
        console.log(`schemathesis as ${pass.as} (--max-examples ${pass.maxExamples}) in ${run.seconds} s\n${section(run.output, 'SUMMARY')}`);

        // Both sections: a run can have a failure and a tool error (CI printed only the error once).
        const failures = [section(run.output, 'FAILURES'), section(run.output, 'ERRORS')].filter(Boolean).join('\n') || run.output;
        if (run.timedOut) throw new Error(`schemathesis did not finish in ${RUN_TIMEOUT_MS / 1000} s:\n${run.output}`);
        if (run.exitCode !== 0) throw new Error(`schemathesis as ${pass.as} failed (exit ${run.exitCode}):\n${failures}`);
        // It ran: every operation of the document, and thousands of cases.
        expect(run.output).toContain(`Operations:       ${operations} selected / ${operations} total`);
        expect(run.output).toMatch(new RegExp(`Tested: ${operations}\\b`));
        const generated = Number(/(\d+) generated/.exec(run.output)?.[1] ?? 0);
        expect(generated).toBeGreaterThan(operations * pass.maxExamples);
      },
      3 * RUN_TIMEOUT_MS + 10_000,
    );
  }
});
