// A container health check of the worker: exit 0 when WORKER_HEALTH_FILE says the worker
// is polling and was refreshed lately (worker/healthFile.ts), 1 otherwise.
import { isHealthy } from './healthFile';

const file = process.env.WORKER_HEALTH_FILE;
process.exit(file && isHealthy(file) ? 0 : 1);
