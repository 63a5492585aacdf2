// The worker's Prometheus listener: GET /metrics with this process's registry (the
// business counters the activities move, process metrics). Off unless WORKER_METRICS_PORT
// is set; bound to loopback by default (WORKER_METRICS_HOST), since it has no key check:
// a scraper elsewhere needs the operator to bind it to a private interface on purpose.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '../shared/metrics';

export async function listenWorkerMetrics(port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType, 'Cache-Control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
