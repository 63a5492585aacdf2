// Request rate, errors and latency per route template (casework_http_*; shared/metrics.ts).
// Measured from the first middleware to the response's end; /metrics itself is left out
// (a scrape every few seconds would be most of the traffic).
import type { RequestHandler } from 'express';
import { httpDuration, httpRequests, statusClass } from '../shared/metrics';
import { routeTemplate } from './requestContext';

export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const end = httpDuration.startTimer();
    res.once('finish', () => {
      const route = routeTemplate(req);
      if (route === '/metrics') return;
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route, status_class: statusClass(res.statusCode) });
    });
    next();
  };
}
