// The L1 worker of `npm run bench`, in a process of its own so its CPU is counted apart
// (as casework's worker+API is). Started by scripts/bench/main.ts; stops on SIGTERM.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { caseDataConverter } from '../../shared/temporalData';
import { parsePayloadKeys } from '../../shared/payloadKeys';

async function main(): Promise<void> {
  const [address, databaseUrl, taskQueue, keys] = [process.env.BENCH_TEMPORAL!, process.env.BENCH_DB!, process.env.BENCH_QUEUE!, process.env.PAYLOAD_KEYS!];
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./bareWorkflow'),
    dataConverter: caseDataConverter(parsePayloadKeys(keys)),
    activities: {
      async insertStep(id: string, step: string): Promise<void> {
        await pool.query('INSERT INTO bench_steps (id, step) VALUES ($1, $2)', [id, step]);
      },
    },
  });
  process.on('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('BARE_WORKER_READY\n');
  await running;
  await connection.close();
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
