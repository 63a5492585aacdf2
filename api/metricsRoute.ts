// GET /metrics (Prometheus text format), for ops and admin keys: on the API's own port, so
// a scrape needs no second listener or network rule, and the business figures (open cases,
// breaches) stay behind the same keys as /ops. Prometheus sends the key as a bearer token
// (deploy/prometheus/prometheus.yml). The open-cases gauge is counted here at scrape time.
import type { RequestHandler } from 'express';
import type { Database } from '../db/client';
import { openCasesByStageAndPriority } from '../db/queries/openCases';
import { countOpenCasesWith, metricsRegistry } from '../shared/metrics';

export function metricsRoute(db: Database): RequestHandler {
  countOpenCasesWith(() => openCasesByStageAndPriority(db));
  return async (_req, res, next) => {
    try {
      const text = await metricsRegistry.metrics();
      res.setHeader('Content-Type', metricsRegistry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    } catch (err) {
      next(err);
    }
  };
}
