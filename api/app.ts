// The Express app: JSON only, every route from a RouteSpec (validation, roles, OpenAPI).
import { DEFAULT_HOTLINE } from '../config/env';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { DispatchPolicyOverrides } from '../domain';
import type { CustomerLinkConfig } from '../shared/customerLinks';
import { customerRoutes } from './routes/customer';
import { customerComplaintRoutes } from './routes/customerComplaints';
import { dispatchRoutes } from './routes/dispatch';
import { rescheduleRequestRoutes } from './routes/rescheduleRequests';
import { dutyRoutes } from './routes/duty';
import { engineerRoutes } from './routes/engineers';
import { staffRoutes } from './routes/staff';
import { opsRoutes } from './routes/ops';
import { aftercareRoutes } from './routes/aftercare';
import { callbackRoutes } from './routes/callbacks';
import { createCaseIntake } from './caseIntake';
import { DEFAULT_DEADLINES, requestDeadline, type ApiDeadlines } from './deadlines';
import { slaRoutes } from './routes/sla';
import { kpiRoutes } from './routes/kpi';
import { dashboardRouter } from './dashboard';
import { apiKeyRoutes } from './routes/apiKeys';
import { auditRoutes } from './routes/audit';
import { customerLinkRoutes } from './routes/customerLinks';
import { signedLinkOrThrow } from './customerLinks';
import { engineerOfferRoutes } from './routes/engineerOffers';
import { offerLinkSignatureFirst } from './engineerOfferLinks';
import { noStore } from './noStore';
import { codecRoutes } from './routes/codec';
import { codecCors } from './codecCors';
import type { Database } from '../db/client';
import { authenticate, requireRole, type EnvKeys } from './auth';
import { isJsonMediaType, requireJsonBody } from './contentType';
import { corsPolicy, docsContentSecurityPolicy, securityHeaders, strictTransportSecurity, type EdgeSettings } from './edgeHeaders';
import { shedLoad } from './loadShedding';
import { createRateLimits, type LimitSettings } from './rateLimits';
import { errorHandler, HttpError, parseOrThrow } from './errors';
import { openApiDocument } from './openapi';
import { requestLogger } from './requestLog';
import { requestContext } from './requestContext';
import { httpMetrics } from './httpMetrics';
import { metricsRoute } from './metricsRoute';
import { setLogSubject } from '../shared/logContext';
import { caseRoutes } from './routes/cases';
import { complaintRoutes } from './routes/complaints';
import { healthRoutes } from './routes/health';
import { notificationRoutes, webhookRoutes, type DevOutboxSource } from './routes/webhooks';
import type { RouteSpec } from './routeSpec';
import type { AllowedTarget } from '../shared/webhookTargets';
import { unstorableText } from './storableText';
import { customerPages } from './pages/customer/routes';
import { CUSTOMER_CSS } from './pages/customer/styles';
import { STYLESHEET } from './pages/customer/layout';

export interface AppDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  customerLinks: CustomerLinkConfig;
  dispatchPolicy?: DispatchPolicyOverrides;
  /** API_KEYS as digests, and the API_KEY_SECRET every key (stored ones too) is hashed with. */
  envKeys: EnvKeys;
  logger: Logger;
  maxBodyBytes: number;
  /** Set (dev mode, DEV_OUTBOX): GET /dev/outbox shows what the local gateways received. */
  devOutbox?: DevOutboxSource;
  /** Non-public webhook targets allowed (WEBHOOK_ALLOWED_HOSTS); none by default. */
  webhookAllowedTargets?: readonly AllowedTarget[];
  /** IANA time zone of duty shifts (TIME_ZONE; default Asia/Shanghai). */
  timeZone?: string;
  /** How long a request may wait (unset: DEFAULT_DEADLINES). */
  deadlines?: { [K in keyof ApiDeadlines]?: number | undefined };
  /** Rate limits and load shedding (api/server.ts passes the environment's; unset: none). */
  limits?: LimitSettings;
  /** Proxies and browsers (unset: clients connect directly, CORS off). */
  edge?: EdgeSettings;
  /** Encrypts and decrypts Temporal payloads for /codec/* (the same keys as the client's). */
  payloadCodec: PayloadCodec;
  /** Browser origins allowed to call /codec/* (the Temporal Web UI's). */
  codecCorsOrigins?: readonly string[];
  /** The service hotline the customer pages show (SERVICE_HOTLINE). */
  hotline?: string;
}

const VERSION = '0.1.0';

export type RouteDeps = Pick<
  AppDeps,
  'client' | 'db' | 'taskQueue' | 'customerLinks' | 'dispatchPolicy' | 'devOutbox' | 'envKeys' | 'webhookAllowedTargets' | 'payloadCodec'
> & {
  deadlines: ApiDeadlines;
  timeZone: string;
};

export function allRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    ...healthRoutes(deps),
    ...caseRoutes(deps),
    ...complaintRoutes(deps),
    ...engineerRoutes(deps),
    ...dispatchRoutes(deps),
    ...customerRoutes(deps),
    ...rescheduleRequestRoutes(deps),
    ...customerComplaintRoutes(deps),
    ...engineerOfferRoutes(deps),
    ...slaRoutes(deps),
    ...kpiRoutes(deps),
    ...opsRoutes(deps),
    ...aftercareRoutes({ client: deps.client, db: deps.db, openCase: createCaseIntake(deps) }),
    ...callbackRoutes(deps),
    ...webhookRoutes(deps),
    ...notificationRoutes(deps),
    ...apiKeyRoutes({ db: deps.db, keySecret: deps.envKeys.secret }),
    ...auditRoutes(deps),
    ...customerLinkRoutes(deps),
    ...codecRoutes(deps),
    ...staffRoutes(deps),
    ...dutyRoutes(deps),
  ];
}

export function createApp(appDeps: AppDeps): express.Express {
  const deadlines: ApiDeadlines = { ...DEFAULT_DEADLINES };
  for (const [k, v] of Object.entries(appDeps.deadlines ?? {})) if (v !== undefined) deadlines[k as keyof ApiDeadlines] = v;
  const deps = { ...appDeps, deadlines, timeZone: appDeps.timeZone ?? 'Asia/Shanghai' };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // req.ip and req.secure follow X-Forwarded-* only from the proxies named here.
  app.set('trust proxy', deps.edge?.trustProxy ?? false);
  // First: the request's id, log context and span hold for everything after, the log line included.
  app.use(requestContext(), httpMetrics());
  app.use(securityHeaders, strictTransportSecurity);
  app.use(requestLogger(deps.logger));
  // Customer pages carry a bearer token in the URL and personal data: no cache keeps them,
  // errors included (set before anything below can answer).
  app.use('/customer', noStore);
  app.use('/engineer/offers', noStore);
  if (deps.limits) app.use(shedLoad(deps.limits));
  app.use(requestDeadline(deadlines.requestMs));
  // Before CORS and the routes: a preflight (OPTIONS) from the Temporal UI to /codec is answered here.
  app.use('/codec', codecCors(deps.codecCorsOrigins ?? []));
  app.use(corsPolicy(deps.edge?.corsOrigins ?? []));
  const rateLimits = deps.limits ? createRateLimits(deps.db.$client, deps.limits) : undefined;
  if (rateLimits) app.use(rateLimits.beforeAuth);
  // Only JSON is parsed, per route and after authentication: a caller without a valid key
  // gets 401 whatever its body, and its body is never read. A route taking a body refuses
  // any other media type with 415 (requireJsonBody).
  const parseJson = express.json({ limit: deps.maxBodyBytes, strict: true, type: (req) => isJsonMediaType(req.headers['content-type']) });

  const routes = allRoutes(deps);
  const document = openApiDocument(routes, VERSION);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', docsContentSecurityPolicy, swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'casework API' }));

  // The supervisor dashboard: HTML pages behind a session cookie (api/dashboard.ts).
  app.use('/dashboard', dashboardRouter({ db: deps.db, envKeys: deps.envKeys, kpiRefreshMs: deadlines.kpiRefreshMs }));

  // An offer link is its own credential: a forged or lapsed one is refused before its body is read.
  app.use('/engineer/offers', offerLinkSignatureFirst(deps.customerLinks.secret));
  const authenticated = inSeries([authenticate(deps.envKeys, deps.db), ...(rateLimits ? [rateLimits.afterAuth] : [])]);
  // Prometheus: ops and admin keys only (business figures are not public).
  app.get('/metrics', authenticated, requireRole(['ops', 'admin']), metricsRoute(deps.db));
  // Public routes that show more to some roles: a key is optional, but a wrong one is 401.
  const keyIfSent: RequestHandler = (req, res, next) => (req.get('authorization') === undefined ? next() : authenticated(req, res, next));
  // A customer's move is authenticated by its signed link: checked (signature, expiry)
  // before the body too, so a forged link gets 401 whatever it sends.
  const signedLink: RequestHandler = (req, _res, next) => {
    try {
      signedLinkOrThrow(req, deps.customerLinks.secret, String(req.params.token ?? ''));
      next();
    } catch (err) {
      next(err);
    }
  };
  // The customer's pages at the same links (Accept: text/html) and their form posts.
  const pages = customerPages({ ...deps, hotline: deps.hotline ?? DEFAULT_HOTLINE, temporalMs: deadlines.temporalMs });
  app.get(STYLESHEET, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('css').send(CUSTOMER_CSS);
  });
  app.use(pages.router);
  for (const route of routes) {
    const byLink = !route.roles && route.body !== undefined && route.path.startsWith('/customer/');
    const guards = [
      ...(route.roles ? [authenticated, requireRole(route.roles)] : route.detailRoles ? [keyIfSent] : byLink ? [signedLink] : []),
      ...(route.body ? [requireJsonBody, parseJson] : []),
    ];
    app[route.method](route.path, ...guards, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const unstorable = [
          ...unstorableText(req.params, 'params'),
          ...unstorableText(req.query, 'query'),
          ...(route.body ? unstorableText(req.body, 'body') : []),
        ];
        if (unstorable.length > 0) throw new HttpError(400, 'validation_failed', 'input contains text that cannot be stored', { fields: unstorable });
        const params = route.params ? parseOrThrow(route.params, req.params, 'params') : req.params;
        setLogSubject(params as { caseNo?: string; complaintNo?: string });
        const query = route.query ? parseOrThrow(route.query, req.query, 'query') : req.query;
        const body = route.body ? parseOrThrow(route.body, req.body, 'body') : undefined;
        // Every Temporal call the handler makes carries this deadline (isTemporalTimeout → 503).
        await deps.client.withDeadline(Date.now() + deadlines.temporalMs, () => route.handler({ req, res, actor: req.actor!, params, query, body }));
      } catch (err) {
        next(err);
      }
    });
  }

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  if (rateLimits) app.use(rateLimits.countFailedAuth);
  app.use(pages.pageErrors);
  app.use(errorHandler);
  return app;
}

/** Runs middleware one after another, as one; the first error ends the run. */
function inSeries(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    const run = (i: number) => (err?: unknown) => {
      if (err) return next(err);
      const handler = handlers[i];
      if (!handler) return next();
      void handler(req, res, run(i + 1));
    };
    run(0)();
  };
}
