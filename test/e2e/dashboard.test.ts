// The supervisor dashboard: signing in with an API key to a session cookie (wrong key,
// wrong role, cookie flags, expiry, sign-out, revocation, cross-site posts), then the
// page in headless Chromium: charts drawn by the self-hosted chart.js under a CSP without
// inline scripts, the breach list and callback queue. Saves test-artifacts/dashboard.png.
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { launchChromium } from '../support/headlessChromium';
import { insertApiKey } from '../support/apiKeyRows';
import { createScratchDatabase, insertCase, insertEngineer } from '../support/kpiData';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { ARTIFACTS, KEYS, stackInfo } from '../support/stackInfo';

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: Pool;
let api: InProcessApi;
const STORED_KEY = 'dashboard-stored-supervisor-key';
const DAY = 86_400_000;

beforeAll(async () => {
  scratch = await createScratchDatabase('dashboard_test');
  pool = new Pool({ connectionString: scratch.url, max: 2 });
  const regions = ['SH-PD', 'SH-XH', 'BJ-CY'];
  for (let e = 0; e < 6; e++) await insertEngineer(pool, `E${e}`, `工程师${e}`, regions[e % 3]!);
  // 60 cases over the last 20 days: varied response times, fixes and ratings.
  for (let i = 0; i < 60; i++) {
    const opened = Date.now() - (1 + (i % 20)) * DAY - 3 * 3_600_000;
    const at = (min: number) => new Date(opened + min * 60_000).toISOString();
    await insertCase(pool, {
      caseNo: `D${i}`,
      createdAt: at(0),
      region: regions[i % 3]!,
      engineerId: `E${i % 6}`,
      category: i % 2 ? 'air_conditioner' : 'water_purifier',
      priority: `P${1 + (i % 4)}`,
      channel: i % 3 ? 'phone' : 'app',
      stage: 'archived',
      milestones: { dispatched: at(5 + (i % 7) * 4), contacted: at(40 + (i % 5) * 10), on_site: at(180 + (i % 9) * 20) },
      archive: { at: at(600), firstTimeFix: i % 7 !== 0, reworks: i % 7 === 0 ? 1 : 0, rating: [5, 4, 5, 3, 5, 4, 2][i % 7]! },
    });
  }
  await insertCase(pool, {
    caseNo: 'LATE-1',
    // The newest archived cases' instant: a day of its own in the service time zone
    // (UTC+8) made 21 daily points when the test ran between 00:00 and 03:00 there.
    createdAt: new Date(Date.now() - DAY - 3 * 3_600_000).toISOString(),
    region: 'SH-PD',
    engineerId: 'E0',
    category: 'air_conditioner',
    priority: 'P1',
    channel: 'phone',
    stage: 'dispatched',
  });
  await pool.query("UPDATE cases SET sla_breached = true, escalation_level = 2, engineer_name = '工程师0' WHERE case_no = 'LATE-1'");
  // The callback queue: by priority, then due time, then id (as GET /callbacks/queue), not by due time alone.
  await pool.query(
    `INSERT INTO callback_tasks (case_no, customer_name, customer_phone, rating, priority, due_at, status) VALUES
       ('D3', '王芳', '13800000000', 3, 2, now() - interval '3 hours', 'open'),
       ('D6', '李娜', '13800000001', 2, 1, now() - interval '1 hour', 'open'),
       ('D13', '张伟', '13800000002', 5, 1, now() - interval '1 hour', 'open'),
       ('D20', '刘洋', '13800000003', 1, 1, now() - interval '2 hours', 'open')`,
  );
  await insertApiKey(pool, { key: STORED_KEY, role: 'supervisor', label: 'dashboard test' });
  api = await startApi({ temporalAddress: stackInfo().temporalAddress, databaseUrl: scratch.url, taskQueue: 'dashboard-test' });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await pool?.end();
  await scratch?.drop();
});

async function signIn(apiKey: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.base}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ apiKey }).toString(),
  });
}
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
const page = (cookie?: string) => fetch(`${api.base}/dashboard`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('dashboard sessions', () => {
  test('a wrong key is 401 and a role without the dashboard 403; neither sets a cookie', async () => {
    const wrong = await signIn('not-a-key');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Unknown, revoked or expired API key.');
    const agent = await signIn(KEYS.agent);
    expect(agent.status).toBe(403);
    expect(agent.headers.get('set-cookie')).toBeNull();
  });

  test('a supervisor gets an httpOnly, SameSite=Strict session cookie and the page', async () => {
    const res = await signIn(KEYS.supervisor);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^casework_session=[A-Za-z0-9_-]{43}; Path=\/dashboard; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain('Secure'); // plain HTTP here; Secure when the request came over TLS
    const r = await page(cookieOf(res));
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const body = await r.text();
    // Every script is a file of this origin or inert JSON.
    expect(body.match(/<script[^>]*>/g)).toEqual([
      '<script type="application/json" id="kpi-data">',
      '<script src="/dashboard/assets/chart.umd.js">',
      '<script src="/dashboard/assets/dashboard.js">',
    ]);
    expect(body).toContain('LATE-1');
    // The callback queue in the agents' order: priority 1 (earliest due first, then id), then 2.
    const queue = /<table id="callbacks">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)![1]!;
    expect([...queue.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1])).toEqual(['D20', 'D6', 'D13', 'D3']);
    expect((await page()).status).toBe(303);
  });

  test('the CSV export refreshes the rollup first, as the page and GET /kpi do', async () => {
    const cookie = cookieOf(await signIn(KEYS.supervisor));
    const shPdCases = async () => {
      const res = await fetch(`${api.base}/dashboard/kpi.csv?by=region`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const line = (await res.text()).split('\r\n').find((l) => l.startsWith(',SH-PD,SH-PD,'))!;
      return Number(line.split(',')[3]); // cases (count)
    };
    const before = await shPdCases();
    // On LATE-1's day, region and engineer, so the charts below keep their points.
    await insertCase(pool, {
      caseNo: 'CSV-1',
      createdAt: new Date(Date.now() - DAY - 3 * 3_600_000).toISOString(),
      region: 'SH-PD',
      engineerId: 'E0',
      category: 'air_conditioner',
      priority: 'P3',
      channel: 'phone',
      stage: 'accepted',
    });
    // Past the rollup's maximum age (a minute): the next reader refreshes it.
    await pool.query("UPDATE kpi_refresh_state SET refreshed_at = now() - interval '1 hour'");
    expect(await shPdCases()).toBe(before + 1);
  });

  test('an expired session sends the browser to sign in', async () => {
    const cookie = cookieOf(await signIn(KEYS.ops));
    expect((await page(cookie)).status).toBe(200);
    await pool.query("UPDATE staff_sessions SET expires_at = now() - interval '1 second'");
    const r = await page(cookie);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/dashboard/login');
  });

  test('sign-out ends the session; a cross-site post is refused', async () => {
    const cookie = cookieOf(await signIn(KEYS.admin));
    const forged = await fetch(`${api.base}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect((await page(cookie)).status).toBe(200);
    expect((await signIn(KEYS.supervisor, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const out = await fetch(`${api.base}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: api.base } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^casework_session=; Path=\/dashboard; Expires=Thu, 01 Jan 1970/);
    expect((await page(cookie)).status).toBe(303);
  });

  test('revoking the stored key ends its sessions', async () => {
    const cookie = cookieOf(await signIn(STORED_KEY));
    expect((await page(cookie)).status).toBe(200);
    await pool.query('UPDATE api_keys SET revoked = true WHERE label = $1', ['dashboard test']);
    expect((await page(cookie)).status).toBe(303);
  });
});

test('the dashboard renders in Chromium: charts drawn, no CSP violation; screenshot', async () => {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems: string[] = [];
    // Console errors (CSP refusals among them) and failed loads, named by URL; the browser's
    // own favicon request is no page's doing.
    tab.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    tab.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    tab.on('pageerror', (e) => problems.push(e.message));
    await tab.goto(`${api.base}/dashboard`);
    expect(tab.url()).toBe(`${api.base}/dashboard/login`);
    await tab.fill('#apiKey', KEYS.supervisor);
    await tab.click('button[type=submit]');
    await tab.waitForURL(`${api.base}/dashboard`);
    await tab.waitForSelector('body[data-charts-drawn="4"]', { timeout: 20_000 }).catch((err: Error) => {
      throw new Error(`${err.message}; page problems: ${problems.join(' | ')}`);
    });
    // Each canvas holds a chart with data, and has pixels that are not blank.
    const charts = await tab.evaluate(() => {
      const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } };
      return Array.from(document.querySelectorAll('canvas')).map((c) => {
        const chart = w.Chart.getChart(c);
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let inked = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) inked++;
        return { id: c.id, points: chart?.data.datasets[0]?.data.length ?? 0, inked };
      });
    });
    expect(charts.map((c) => c.id)).toEqual(['chart-daily', 'chart-csat', 'chart-region', 'chart-engineer']);
    expect(charts.map((c) => c.points)).toEqual([20, 20, 3, 6]);
    for (const c of charts) expect(c.inked).toBeGreaterThan(1000);
    expect(await tab.locator('#breaches tbody tr').count()).toBe(1);
    expect(await tab.locator('#callbacks tbody tr td:first-child').allTextContents()).toEqual(['D20', 'D6', 'D13', 'D3']);
    expect(problems).toEqual([]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await tab.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}, 60_000);
