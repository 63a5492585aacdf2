// Production mode refuses to run without payload keys: `npm run worker` and `npm run api`
// (TEMPORAL_ADDRESS and DATABASE_URL set) exit with a message saying what to set, before
// they touch Temporal or PostgreSQL (the addresses below lead nowhere).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function run(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const { PAYLOAD_KEYS: _k, PAYLOAD_KEYS_FILE: _f, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...inherited, TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgresql://x:y@127.0.0.1:1/none', CUSTOMER_LINK_SECRET: 'k'.repeat(20), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

test.each(['worker/main.ts', 'api/main.ts'])('%s without PAYLOAD_KEYS exits 1 naming what to set', (entry) => {
  const r = run(entry, {});
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('PAYLOAD_KEYS or PAYLOAD_KEYS_FILE is required');
});

test('a malformed key is refused with the entry, never the key', () => {
  const r = run('worker/main.ts', { PAYLOAD_KEYS: 'k1:c2hvcnQta2V5' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('key "k1" must be 32 bytes in base64 (AES-256), got 9');
  expect(r.stderr).not.toContain('c2hvcnQta2V5');
});
