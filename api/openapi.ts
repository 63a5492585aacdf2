// The OpenAPI document, generated from the route specs and their zod schemas.
import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { edgeResponses } from './edgeResponses';
import type { RouteSpec } from './routeSpec';

export function openApiDocument(routes: RouteSpec[], version: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (API_KEYS or `npm run seed:keys`); its role decides what it may do',
  });
  for (const r of routes) {
    registry.registerPath({
      method: r.method,
      path: r.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      tags: [r.tag],
      summary: r.summary,
      description: [r.description, r.roles ? `Roles: ${r.roles.join(', ')}.` : 'Public.'].filter(Boolean).join('\n\n'),
      // detailRoles: no key, or a key that shows more.
      security: r.roles ? [{ [bearer.name]: [] }] : r.detailRoles ? [{}, { [bearer.name]: [] }] : [],
      request: {
        params: r.params as z.ZodObject | undefined,
        query: r.query as z.ZodObject | undefined,
        headers: r.headers,
        body: r.body ? { required: true, content: { 'application/json': { schema: r.body } } } : undefined,
      },
      responses: Object.fromEntries(
        Object.entries({ ...edgeResponses(r), ...r.responses }).map(([status, resp]) => [
          status,
          {
            description: resp.description,
            ...(status === '503' || status === '429'
              ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const, minimum: 0 } } } }
              : {}),
            ...(resp.schema
              ? {
                  content: {
                    'application/json': { schema: resp.schema },
                    ...('csv' in resp && resp.csv ? { 'text/csv': { schema: { type: 'string' as const, description: 'UTF-8 with BOM, RFC 4180' } } } : {}),
                  },
                }
              : {}),
          },
        ]),
      ),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'casework API',
      version,
      description: 'After-sales service cases as durable Temporal workflows. See the README for a walk-through.',
    },
  });
}
