// The supervisor's dashboard: KPI charts over time and by region/engineer (drawn in the
// browser by the self-hosted chart.js from the JSON block below; no inline script, so the
// page's CSP can forbid them), the current SLA breach list and the callback queue.
import type { KpiDefinition } from '../../../db/queries/kpiDefinitions';
import type { KpiRow } from '../../../db/queries/kpi';
import { renderDocument } from '../document';

export interface DashboardData {
  from: string;
  to: string;
  definitions: Pick<KpiDefinition, 'id' | 'name' | 'unit' | 'target'>[];
  byDay: KpiRow[];
  byRegion: KpiRow[];
  byEngineer: KpiRow[];
}

export interface DashboardProps {
  who: string;
  data: DashboardData;
  breaches: Array<{ caseNo: string; stage: string; priority: string; region: string; engineer: string; level: number; openedAt: string }>;
  /** In the agents' queue order: priority (1 first), due time, id. */
  callbacks: Array<{ caseNo: string; customer: string; rating: number | null; priority: number; dueAt: string }>;
}

/** JSON inside <script>: '<', '>' and '&' escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const SUMMARY = ['cases', 'response_accept_min', 'response_on_site_min', 'first_time_fix_rate', 'csat_satisfied_share', 'complaint_rate'];

export function renderDashboardPage({ who, data, breaches, callbacks }: DashboardProps): string {
  const total = data.byRegion.reduce((n, r) => n + (r.values.cases ?? 0), 0);
  return renderDocument({
    lang: 'en',
    title: 'casework — supervisor dashboard',
    children: (
      <>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        <header>
          <h1>Service KPIs</h1>
          <span>
            {data.from} – {data.to} · {total} cases · signed in as {who}
          </span>
          <form method="post" action="/dashboard/logout">
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main>
          <section class="charts">
            <figure>
              <figcaption>Volume and first-time fix per day</figcaption>
              <canvas id="chart-daily" data-kpis="cases,first_time_fix_rate" />
            </figure>
            <figure>
              <figcaption>Satisfied customers (rated ≥ 4) per day, against the 90% target</figcaption>
              <canvas id="chart-csat" data-kpis="csat_satisfied_share" />
            </figure>
            <figure>
              <figcaption>Response times by region (minutes)</figcaption>
              <canvas id="chart-region" data-kpis="response_accept_min,response_contact_min" />
            </figure>
            <figure>
              <figcaption>First-time fix and satisfaction by engineer (busiest 15)</figcaption>
              <canvas id="chart-engineer" data-kpis="first_time_fix_rate,csat_satisfied_share" />
            </figure>
          </section>
          <section>
            <h2>By region</h2>
            <table>
              <thead>
                <tr>
                  <th>Region</th>
                  {SUMMARY.map((id) => {
                    const d = data.definitions.find((x) => x.id === id);
                    return <th key={id}>{d ? `${d.name} (${d.unit})` : id}</th>;
                  })}
                </tr>
              </thead>
              <tbody>
                {data.byRegion.map((r) => (
                  <tr key={r.key}>
                    <td>{r.label || '—'}</td>
                    {SUMMARY.map((id) => (
                      <td key={id}>{r.values[id] ?? '—'}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <a href={`/dashboard/kpi.csv?by=region`}>CSV by region</a> · <a href={`/dashboard/kpi.csv?by=engineer`}>CSV by engineer</a>
            </p>
          </section>
          <section>
            <h2>SLA breached now ({breaches.length})</h2>
            <table id="breaches">
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Stage</th>
                  <th>Priority</th>
                  <th>Region</th>
                  <th>Engineer</th>
                  <th>Escalation</th>
                  <th>Opened</th>
                </tr>
              </thead>
              <tbody>
                {breaches.map((b) => (
                  <tr key={b.caseNo}>
                    <td>{b.caseNo}</td>
                    <td>{b.stage}</td>
                    <td>{b.priority}</td>
                    <td>{b.region}</td>
                    <td>{b.engineer}</td>
                    <td>{b.level}</td>
                    <td>{b.openedAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section>
            <h2>Callback queue ({callbacks.length})</h2>
            <table id="callbacks">
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Customer</th>
                  <th>Rating</th>
                  <th>Priority</th>
                  <th>Due</th>
                </tr>
              </thead>
              <tbody>
                {callbacks.map((c) => (
                  <tr key={c.caseNo}>
                    <td>{c.caseNo}</td>
                    <td>{c.customer}</td>
                    <td>{c.rating ?? '—'}</td>
                    <td>{c.priority}</td>
                    <td>{c.dueAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </main>
        <script type="application/json" id="kpi-data" dangerouslySetInnerHTML={{ __html: scriptJson(data) }} />
        <script src="/dashboard/assets/chart.umd.js" />
        <script src="/dashboard/assets/dashboard.js" />
      </>
    ),
  });
}
