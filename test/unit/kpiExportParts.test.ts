// The parts a KPI export is queried in: contiguous, covering the range exactly, and never
// cutting a period in two (weeks start on Mondays, months on the 1st).
import { kpiExportParts } from '../../db/queries/kpi';

const dayOfWeek = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();

test.each(['day', 'week', 'month'] as const)('%s parts are contiguous and cover the range exactly', (grain) => {
  const parts = kpiExportParts({ from: '2025-12-03', to: '2026-12-03', grain });
  expect(parts[0]!.from).toBe('2025-12-03');
  expect(parts[parts.length - 1]!.to).toBe('2026-12-03');
  for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toBe(parts[i - 1]!.to);
  for (const p of parts) expect(p.from < p.to).toBe(true);
});

test('day parts are at most 31 days; a year takes 12', () => {
  const parts = kpiExportParts({ from: '2025-12-03', to: '2026-12-03', grain: 'day' });
  for (const p of parts) expect(Date.parse(p.to) - Date.parse(p.from)).toBeLessThanOrEqual(31 * 86_400_000);
  expect(parts).toHaveLength(12);
});

test('week parts break on Mondays, month parts on the 1st of January', () => {
  const weeks = kpiExportParts({ from: '2025-12-03', to: '2026-12-03', grain: 'week' });
  expect(weeks.length).toBeGreaterThan(1);
  for (const p of weeks.slice(1)) expect(dayOfWeek(p.from)).toBe(1);
  // From a Sunday the first break is the next day's Monday plus 12 weeks.
  expect(kpiExportParts({ from: '2026-03-01', to: '2026-12-01', grain: 'week' })[0]).toEqual({ from: '2026-03-01', to: '2026-05-25' });
  expect(kpiExportParts({ from: '2025-12-03', to: '2026-12-03', grain: 'month' })).toEqual([
    { from: '2025-12-03', to: '2026-01-01' },
    { from: '2026-01-01', to: '2026-12-03' },
  ]);
});

test('no time grouping is one part; an empty range none', () => {
  expect(kpiExportParts({ from: '2025-12-03', to: '2026-12-03', grain: 'none' })).toEqual([{ from: '2025-12-03', to: '2026-12-03' }]);
  expect(kpiExportParts({ from: '2026-03-01', to: '2026-03-01', grain: 'day' })).toEqual([]);
});
