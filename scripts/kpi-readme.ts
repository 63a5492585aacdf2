// Rewrites the KPI definitions table in README.md from KPI_DEFINITIONS (the one source);
// test/unit/kpiDefinitions.test.ts fails when they differ.
import fs from 'node:fs';
import path from 'node:path';
import { kpiDefinitionsMarkdown } from '../db/queries/kpiDefinitions';

const file = path.resolve(__dirname, '..', 'README.md');
const readme = fs.readFileSync(file, 'utf8');
const block = /<!-- kpi-definitions:start -->\n[\s\S]*?\n?<!-- kpi-definitions:end -->/;
if (!block.test(readme)) throw new Error('README.md has no <!-- kpi-definitions:start --> … end block');
fs.writeFileSync(file, readme.replace(block, `<!-- kpi-definitions:start -->\n${kpiDefinitionsMarkdown()}\n<!-- kpi-definitions:end -->`));
console.log('README.md: KPI definitions table rewritten');
