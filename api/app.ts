// The Express app: JSON only, every route from a RouteSpec (validation, roles, OpenAPI).
import express, { type NextFunction, type Request, type Response } from 'express';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Client } from '@temporalio/client';
import type { Actor, DispatchPolicyOverrides } from '../domain';
import type { CustomerLinkConfig } from '../shared/customerLinks';
import { customerRoutes } from './routes/customer';
import { customerComplaintRoutes } from './routes/customerComplaints';
import { dispatchRoutes } from './routes/dispatch';
import { dutyRoutes } from './routes/duty';
import { engineerRoutes } from './routes/engineers';
import { staffRoutes } from './routes/staff';
import { opsRoutes } from './routes/ops';
import { aftercareRoutes } from './routes/aftercare';
import { createCaseIntake } from './caseIntake';
import { DEFAULT_DEADLINES, requestDeadline, type ApiDeadlines } from './deadlines';
import { slaRoutes } from './routes/sla';
import type { Database } from '../db/client';
import { authenticate, requireRole } from './auth';
import { isJsonMediaType, requireJsonBody } from './contentType';
import { errorHandler, HttpError, parseOrThrow } from './errors';
import { openApiDocument } from './openapi';
import { caseRoutes } from './routes/cases';
import { complaintRoutes } from './routes/complaints';
import { healthRoutes } from './routes/health';
import { notificationRoutes, webhookRoutes, type DevOutboxSource } from './routes/webhooks';
import type { RouteSpec } from './routeSpec';
import { unstorableText } from './storableText';

export interface AppDeps {
  client: Client;
  db: Database;
  taskQueue: string;
  customerLinks: CustomerLinkConfig;
  dispatchPolicy?: DispatchPolicyOverrides;
  envKeys: Map<string, Actor>;
  logger: Logger;
  maxBodyBytes: number;
  /** Set (dev mode, DEV_OUTBOX): GET /dev/outbox shows what the local gateways received. */
  devOutbox?: DevOutboxSource;
  /** IANA time zone of duty shifts (TIME_ZONE; default Asia/Shanghai). */
  timeZone?: string;
  /** How long a request may wait (unset: DEFAULT_DEADLINES). */
  deadlines?: { [K in keyof ApiDeadlines]?: number | undefined };
}

const VERSION = '0.1.0';

export type RouteDeps = Pick<AppDeps, 'client' | 'db' | 'taskQueue' | 'customerLinks' | 'dispatchPolicy' | 'devOutbox'> & {
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
    ...customerComplaintRoutes(deps),
    ...slaRoutes(deps),
    ...opsRoutes(deps),
    ...aftercareRoutes({ db: deps.db, openCase: createCaseIntake(deps) }),
    ...webhookRoutes(deps),
    ...notificationRoutes(deps),
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
  app.use(
    pinoHttp({ logger: deps.logger, customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info') }),
  );
  app.use(requestDeadline(deadlines.requestMs));
  // Only JSON is parsed; a route taking a body refuses any other with 415 (requireJsonBody).
  app.use(express.json({ limit: deps.maxBodyBytes, strict: true, type: (req) => isJsonMediaType(req.headers['content-type']) }));

  const routes = allRoutes(deps);
  const document = openApiDocument(routes, VERSION);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'casework API' }));

  const auth = authenticate(deps.envKeys, deps.db);
  for (const route of routes) {
    const guards = [...(route.roles ? [auth, requireRole(route.roles)] : []), ...(route.body ? [requireJsonBody] : [])];
    app[route.method](route.path, ...guards, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const unstorable = [
          ...unstorableText(req.params, 'params'),
          ...unstorableText(req.query, 'query'),
          ...(route.body ? unstorableText(req.body, 'body') : []),
        ];
        if (unstorable.length > 0) throw new HttpError(400, 'validation_failed', 'input contains text that cannot be stored', { fields: unstorable });
        const params = route.params ? parseOrThrow(route.params, req.params, 'params') : req.params;
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
  app.use(errorHandler);
  return app;
}
