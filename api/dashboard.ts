// The supervisor dashboard (HTML, not part of the JSON API): staff sign in with their API
// key and get a session cookie. Sessions are server-side rows (staff_sessions: only the
// token's SHA-256), so sign-out and key revocation end them at once.
//
// Cookie: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries
// it), Secure over TLS, Path=/dashboard, 8 h. CSRF: besides SameSite, a POST whose Origin
// (or Sec-Fetch-Site) names another site is refused, which also stops login CSRF.
// CSP: scripts and styles only from this origin; the page's data rides in a JSON block.
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import helmet from 'helmet';
import type { Database } from '../db/client';
import { breachedCases, callbackQueue, kpiTable } from '../db/queries/kpi';
import { KPI_DEFINITIONS, KPI_DIMENSIONS } from '../db/queries/kpiDefinitions';
import { createStaffSession, deleteStaffSession, findStaffSession, type StaffSession } from '../db/queries/staffSessions';
import { actorForKey, type EnvKeys } from './auth';
import { sendCsv, toCsv } from './csv';
import { HttpError } from './errors';
import { renderDashboardPage } from './pages/dashboard/DashboardPage';
import { renderLoginPage } from './pages/dashboard/LoginPage';
import { freshKpis, KPI_ROLES, kpiRange } from './routes/kpi';

export const SESSION_COOKIE = 'casework_session';
const SESSION_TTL_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const dashboardCsp = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * Refuses a cross-site POST. Browsers send Sec-Fetch-Site (trusted first); without it the
 * Origin must be ours. Under Referrer-Policy no-referrer a same-origin form posts
 * `Origin: null`, which only counts when Sec-Fetch-Site vouches for it. Clients that send
 * neither header are not browsers, so not a CSRF vector.
 */
const sameOriginPost: RequestHandler = (req, _res, next) => {
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  const own = `${req.protocol}://${req.get('host')}`;
  const allowed = site !== undefined ? site === 'same-origin' || site === 'none' : origin === undefined || origin === own;
  if (!allowed) return next(new HttpError(403, 'cross_site', 'cross-site form posts are refused'));
  next();
};

function html(res: Response, status: number, body: string): void {
  res.status(status).type('html').send(body);
}

export function dashboardRouter(deps: { db: Database; envKeys: EnvKeys; kpiMaxAgeMs?: number; kpiRefreshMs?: number }): Router {
  const { db } = deps;
  const router = Router();
  router.use(dashboardCsp, (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Beside this file: in the source tree, and in dist/ where `npm run build` copies them
  // (scripts/build-workflow-bundle.ts), as the image holds no source tree.
  const assets = path.join(__dirname, 'pages', 'dashboard', 'assets');
  // chart.js's exports map hides dist/chart.umd.js (the browser build): found beside its main file.
  const chartJs = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  router.get('/assets/chart.umd.js', (_req, res) => res.sendFile(chartJs));
  router.get('/assets/dashboard.js', (_req, res) => res.sendFile(path.join(assets, 'dashboard.js')));
  router.get('/assets/dashboard.css', (_req, res) => res.sendFile(path.join(assets, 'dashboard.css')));

  const session = async (req: Request): Promise<StaffSession | undefined> => {
    const token = readCookie(req, SESSION_COOKIE);
    return token ? findStaffSession(db, token) : undefined;
  };
  /** Pages answer a missing or ended session by sending the browser to sign in. */
  const signedIn = (handler: (req: Request, res: Response, s: StaffSession) => Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const s = await session(req);
      if (!s) return res.redirect(303, '/dashboard/login');
      await handler(req, res, s);
    } catch (err) {
      next(err);
    }
  };

  router.get('/login', (_req, res) => html(res, 200, renderLoginPage({})));
  router.post('/login', sameOriginPost, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const body = req.body as { apiKey?: unknown } | undefined;
      const key = typeof body?.apiKey === 'string' ? body.apiKey.trim() : '';
      const found = key ? await actorForKey(deps.envKeys, db, key).catch(() => undefined) : undefined;
      if (!found) return html(res, 401, renderLoginPage({ error: 'Unknown, revoked or expired API key.' }));
      if (!(KPI_ROLES as readonly string[]).includes(found.actor.role)) {
        return html(res, 403, renderLoginPage({ error: `The dashboard is for supervisors, managers and ops (your key's role: ${found.actor.role}).` }));
      }
      const s = await createStaffSession(db, { role: found.actor.role, subject: found.actor.subject, apiKeyId: found.keyId, ttlMs: SESSION_TTL_MS });
      res.cookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/dashboard', expires: s.expiresAt });
      res.redirect(303, '/dashboard');
    } catch (err) {
      next(err);
    }
  });
  router.post('/logout', sameOriginPost, async (req, res, next) => {
    try {
      const token = readCookie(req, SESSION_COOKIE);
      if (token) await deleteStaffSession(db, token);
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/dashboard' });
      res.redirect(303, '/dashboard/login');
    } catch (err) {
      next(err);
    }
  });

  router.get(
    '/',
    signedIn(async (_req, res, s) => {
      await freshKpis(db, deps.kpiMaxAgeMs ?? 60_000, deps.kpiRefreshMs);
      const range = kpiRange({});
      const [byDay, byRegion, byEngineer, breaches, callbacks] = await Promise.all([
        kpiTable(db, { ...range, grain: 'day', by: 'all' }),
        kpiTable(db, { ...range, grain: 'none', by: 'region' }),
        kpiTable(db, { ...range, grain: 'none', by: 'engineer' }),
        breachedCases(db, 50),
        callbackQueue(db, 50),
      ]);
      const data = {
        ...range,
        definitions: KPI_DEFINITIONS.map(({ id, name, unit, target }) => ({ id, name, unit, target })),
        byDay: byDay.rows,
        byRegion: byRegion.rows,
        byEngineer: byEngineer.rows,
      };
      html(
        res,
        200,
        renderDashboardPage({
          who: s.subject ? `${s.role} ${s.subject}` : s.role,
          data,
          breaches: breaches.map((b) => ({
            caseNo: b.case_no,
            stage: b.stage,
            priority: b.priority,
            region: b.region ?? '—',
            engineer: b.engineer_name ?? '—',
            level: b.escalation_level,
            openedAt: b.created_at.toISOString().slice(0, 16).replace('T', ' '),
          })),
          callbacks: callbacks.map((c) => ({
            caseNo: c.case_no,
            customer: c.customer_name,
            rating: c.rating,
            priority: c.priority,
            dueAt: c.due_at.toISOString().slice(0, 16).replace('T', ' '),
          })),
        }),
      );
    }),
  );
  router.get(
    '/kpi.csv',
    signedIn(async (req, res) => {
      // As the page and GET /kpi: the rollup first, so the export shows what was recorded.
      await freshKpis(db, deps.kpiMaxAgeMs ?? 60_000, deps.kpiRefreshMs);
      const by = KPI_DIMENSIONS.find((d) => d === req.query.by) ?? 'all';
      const range = kpiRange({ to: new Date(Date.now() + DAY_MS).toISOString().slice(0, 10) });
      const table = await kpiTable(db, { ...range, grain: 'none', by });
      const header = ['period', by, 'label', ...KPI_DEFINITIONS.map((d) => `${d.id} (${d.unit})`)];
      sendCsv(
        res,
        `kpi-${by}-${range.from}-${range.to}.csv`,
        toCsv(
          header,
          table.rows.map((r) => [r.period, r.key, r.label, ...KPI_DEFINITIONS.map((d) => r.values[d.id])]),
        ),
      );
    }),
  );
  return router;
}
