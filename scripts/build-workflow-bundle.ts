// `npm run build`'s second step: the workflow bundles the production worker loads
// (dist/workflow-bundle.js, and dist/workflow-bundle-traced.js when tracing is on; see
// worker/workflowBundle.ts), the SQL migrations and the dashboard's browser files.
import fs from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle, prebuiltBundle } from '../worker/workflowBundle';

// Run compiled (node dist/scripts/build-workflow-bundle.js): the bundles land beside dist/worker/.
const out = prebuiltBundle(false);

async function main(): Promise<void> {
  for (const traced of [false, true]) {
    const file = prebuiltBundle(traced);
    const { code } = await buildWorkflowBundle({ traced });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code);
    console.log(`workflow bundle: ${path.relative(process.cwd(), file)} (${Math.round(code.length / 1024)} KiB)`);
  }
  // tsc copies no SQL: the compiled migrator reads dist/db/migrations.
  const source = path.resolve(__dirname, '..', '..', 'db', 'migrations');
  fs.cpSync(source, path.resolve(path.dirname(out), 'db', 'migrations'), { recursive: true });
  // Nor the dashboard's browser files (served by api/dashboard.ts from beside itself).
  const assets = path.join('api', 'pages', 'dashboard', 'assets');
  fs.cpSync(path.resolve(__dirname, '..', '..', assets), path.resolve(path.dirname(out), assets), { recursive: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
