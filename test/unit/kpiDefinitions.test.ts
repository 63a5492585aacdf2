// The README's KPI table is generated from KPI_DEFINITIONS (`npm run kpi:readme` rewrites
// it); this fails when the two drift apart.
import fs from 'node:fs';
import path from 'node:path';
import { KPI_DEFINITIONS, kpiDefinitionsMarkdown } from '../../db/queries/kpiDefinitions';

describe('KPI definitions', () => {
  it('have unique ids and say what they measure', () => {
    const ids = KPI_DEFINITIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of KPI_DEFINITIONS) {
      expect(d.id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.sql).toMatch(/sum\(/);
    }
  });

  it('are the README table, word for word', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const m = /<!-- kpi-definitions:start -->\n([\s\S]*?)\n?<!-- kpi-definitions:end -->/.exec(readme);
    expect(m?.[1]).toBe(kpiDefinitionsMarkdown());
  });
});
