// /kpi: the figures the seeds steer by (response time, first-time fix, satisfaction,
// complaint rate, SLA compliance), per day/week/month and per region, engineer, product
// category, priority or channel. Each figure is defined once (db/queries/kpiDefinitions.ts);
// this file only validates, reads and renders (JSON or CSV).
import { z } from 'zod';
import type { Database } from '../../db/client';
import { ensureKpiFresh, KPI_REFRESH_TIMEOUT_MS, KpiRefreshTimeoutError, kpiTable, kpiTableParts, selectedDefinitions } from '../../db/queries/kpi';
import { KPI_DEFINITIONS, KPI_DIMENSIONS, KPI_GRAINS, KPI_TIME_ZONE } from '../../db/queries/kpiDefinitions';
import { kpiRefreshedAt } from '../../db/queries/kpiRollup';
import { ErrorSchema } from '../../domain/schemas';
import { strictInt } from '../../domain/strictInt';
import { streamCsv, wantsCsv } from '../csv';
import { HttpError } from '../errors';
import { defineRoute, type RouteSpec } from '../routeSpec';

export const KPI_ROLES = ['supervisor', 'ops', 'admin'] as const;
const DAY_MS = 86_400_000;
const MAX_SPAN_DAYS = 400;
const KPI_IDS = KPI_DEFINITIONS.map((d) => d.id);

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a date');
const DefinitionSchema = z
  .object({ id: z.string(), name: z.string(), unit: z.string(), description: z.string(), sql: z.string(), target: z.number().optional() })
  .meta({ id: 'KpiDefinition' });
const KpiRowSchema = z
  .object({
    period: z.string().nullable().meta({ description: "First day of the period (null for grain 'none')" }),
    key: z.string().meta({ description: "The dimension's value ('' for by=all or unknown)" }),
    label: z.string(),
    values: z.record(z.string(), z.number().nullable()).meta({ description: 'KPI id → value (null: nothing to measure)' }),
  })
  .meta({ id: 'KpiRow' });

export const KpiQuerySchema = z.strictObject({
  from: isoDay.optional().meta({ description: 'First service day (default: 30 days before `to`)' }),
  to: isoDay.optional().meta({ description: 'Day after the last (default: tomorrow)' }),
  grain: z.enum(KPI_GRAINS).default('day'),
  by: z.enum(KPI_DIMENSIONS).default('all'),
  kpis: z
    .string()
    .max(2000)
    .optional()
    .refine((s) => !s || s.split(',').every((id) => KPI_IDS.includes(id)), 'comma-separated KPI ids (GET /kpi/definitions)')
    .meta({ description: 'Comma-separated KPI ids (default: all)' }),
  limit: strictInt(1, 10_000).default(1000),
  offset: strictInt(0, 10_000_000).default(0),
  format: z.enum(['json', 'csv']).optional().meta({ description: 'csv: the table as CSV (or send Accept: text/csv); every row, no paging' }),
});
type KpiQueryInput = z.output<typeof KpiQuerySchema>;

const errors = {
  400: { description: 'Invalid input (field-level messages)', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'Role not allowed', schema: ErrorSchema },
};

/** The day range asked for, defaulted and bounded (a wider one would scan years of rollup). */
export function kpiRange(q: { from?: string; to?: string }): { from: string; to: string } {
  const to = q.to ?? new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString().slice(0, 10);
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  if (span <= 0 || span > MAX_SPAN_DAYS) {
    throw new HttpError(400, 'validation_failed', `from must be before to, at most ${MAX_SPAN_DAYS} days`, {
      fields: [{ path: 'query.from', message: 'range' }],
    });
  }
  return { from, to };
}

/**
 * The rollup refreshed as the request needs, or a 503 that says what to do: an out-of-date
 * rollup a request cannot bring up to date in time is an operator's job, not a 500.
 */
export async function freshKpis(db: Database, maxAgeMs: number, timeoutMs = KPI_REFRESH_TIMEOUT_MS): Promise<void> {
  try {
    await ensureKpiFresh(db, maxAgeMs, timeoutMs);
  } catch (err) {
    if (!(err instanceof KpiRefreshTimeoutError)) throw err;
    const seconds = timeoutMs / 1000;
    throw err.neverBuilt
      ? new HttpError(
          503,
          'kpi_rollup_not_built',
          `the KPI rollup has not been built and building it takes longer than a request may (${seconds} s): run \`npm run kpi:refresh -- --full\` once (after a restore or an upgrade), then retry`,
        )
      : new HttpError(
          503,
          'kpi_rollup_stale',
          `the KPI rollup is out of date and refreshing it took longer than a request may (${seconds} s), or another refresh holds it: run \`npm run kpi:refresh\` (or wait for the one running), then retry`,
        );
  }
}

export function kpiRoutes(deps: { db: Database; deadlines: { kpiRefreshMs: number }; kpiMaxAgeMs?: number }): RouteSpec[] {
  const { db } = deps;
  const maxAgeMs = deps.kpiMaxAgeMs ?? 60_000;
  const refreshTimeoutMs = deps.deadlines.kpiRefreshMs;
  return [
    defineRoute({
      method: 'get',
      path: '/kpi/definitions',
      tag: 'KPI',
      summary: 'What each KPI means: id, name, unit, description, the SQL that computes it, target',
      roles: KPI_ROLES,
      responses: { 200: { description: 'Definitions', schema: z.object({ timeZone: z.string(), items: z.array(DefinitionSchema) }) }, ...errors },
      async handler({ res }) {
        res.json({ timeZone: KPI_TIME_ZONE, items: KPI_DEFINITIONS });
      },
    }),
    defineRoute<unknown, KpiQueryInput, unknown>({
      method: 'get',
      path: '/kpi',
      tag: 'KPI',
      summary: 'A KPI table: every KPI (or those named) per period and per value of one dimension; JSON or CSV',
      description:
        'Computed in PostgreSQL from the daily rollup kpi_daily, refreshed incrementally when older than a minute. ' +
        'Case figures count cases by intake day; complaint figures by complaint day.',
      roles: KPI_ROLES,
      query: KpiQuerySchema,
      responses: {
        200: {
          description: 'The table',
          csv: true,
          schema: z.object({
            from: z.string(),
            to: z.string(),
            grain: z.enum(KPI_GRAINS),
            by: z.enum(KPI_DIMENSIONS),
            timeZone: z.string(),
            refreshedAt: z.string().nullable(),
            definitions: z.array(DefinitionSchema),
            rows: z.array(KpiRowSchema),
            nextOffset: z.int().nullable(),
          }),
        },
        ...errors,
        503: {
          description: 'The rollup is out of date and cannot be refreshed within the request (kpi_rollup_stale, kpi_rollup_not_built)',
          schema: ErrorSchema,
        },
      },
      async handler({ req, res, query }) {
        const range = kpiRange(query);
        const kpis = query.kpis?.split(',');
        await freshKpis(db, maxAgeMs, refreshTimeoutMs);
        const csv = wantsCsv(query.format, req.get('accept'));
        const defs = selectedDefinitions(kpis);
        if (csv) {
          // Streamed part by part (a month of days per query): a year by engineer per day
          // would otherwise be one query of seconds to tens of seconds.
          const header = ['period', query.by, 'label', ...defs.map((d) => `${d.id} (${d.unit})`)];
          const parts = kpiTableParts(db, { ...range, grain: query.grain, by: query.by, kpis });
          const rows = async function* () {
            for await (const part of parts) yield part.map((r) => [r.period, r.key, r.label, ...defs.map((d) => r.values[d.id])]);
          };
          await streamCsv(res, `kpi-${query.by}-${query.grain}-${range.from}-${range.to}.csv`, header, rows());
          return;
        }
        const table = await kpiTable(db, { ...range, grain: query.grain, by: query.by, kpis, limit: query.limit, offset: query.offset });
        const refreshedAt = await kpiRefreshedAt(db);
        res.json({
          ...range,
          grain: query.grain,
          by: query.by,
          timeZone: KPI_TIME_ZONE,
          refreshedAt: refreshedAt?.toISOString() ?? null,
          definitions: defs,
          rows: table.rows,
          nextOffset: table.hasMore ? query.offset + query.limit : null,
        });
      },
    }),
  ];
}
