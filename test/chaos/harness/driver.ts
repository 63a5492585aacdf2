// The chaos client: walks cases assign → contact → appointment → check-in → check-out →
// confirm through HTTP, as `npm run bench` does, but like a careful real client: each
// request has a deadline, a 503 / timeout / refused connection is retried with back-off
// and the same Idempotency-Key, and every outcome is counted.
import { KEYS } from '../../support/stackInfo';

export interface Counts {
  requests: number;
  s503: number;
  s500: number;
  timeouts: number;
  /** The API itself unreachable (it was the victim, or it died). */
  refused: number;
  /** Other unexpected answers (4xx that a correct client should never get). */
  unexpected: number;
}

export const newCounts = (): Counts => ({ requests: 0, s503: 0, s500: 0, timeouts: 0, refused: 0, unexpected: 0 });

type Who = 'agent' | 'dispatcher' | 'engineerE001' | 'supervisor';

export interface DriverOptions {
  base: () => string;
  counts: Counts;
  /** Client deadline of one request. */
  requestTimeoutMs: number;
  /** Give up on one step after this long (a bounded loop; the case then counts as lost). */
  stepBudgetMs: number;
  log: (line: string) => void;
}

interface Answer {
  status: number;
  body: any;
  /** Retry-After, in ms (0 when absent). */
  retryAfterMs: number;
}

const MOVE_TARGET: Record<string, string> = {
  assign: 'dispatched',
  contact: 'contacted',
  appointment: 'scheduled',
  'check-in': 'on_site',
  'check-out': 'awaiting_confirmation',
  confirm: 'archived',
};
const ORDER = ['accepted', 'manual_dispatch', 'dispatched', 'contacted', 'scheduled', 'on_site', 'awaiting_confirmation', 'archived'];
const reached = (stage: unknown, target: string) => typeof stage === 'string' && ORDER.indexOf(stage) >= ORDER.indexOf(target) && ORDER.includes(stage);

export class Driver {
  constructor(private readonly o: DriverOptions) {}

  /** One attempt: the answer, or the kind of failure. */
  private async attempt(method: string, path: string, who: Who, body: unknown, key?: string): Promise<Answer | 'timeout' | 'refused'> {
    this.o.counts.requests++;
    try {
      const res = await fetch(`${this.o.base()}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${KEYS[who]}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep text */
      }
      return { status: res.status, body: parsed, retryAfterMs: Number(res.headers.get('retry-after') ?? 0) * 1000 || 0 };
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        this.o.counts.timeouts++;
        return 'timeout';
      }
      this.o.counts.refused++;
      return 'refused';
    }
  }

  /**
   * Sends until an answer that settles it. `isDone` may accept a non-2xx answer (a 409
   * showing the move already happened, after an attempt whose outcome was unknown).
   */
  async send(label: string, method: string, path: string, who: Who, body: unknown, opts: { key?: string; target?: string } = {}): Promise<any> {
    const deadline = Date.now() + this.o.stepBudgetMs;
    let wait = 250;
    let ambiguous = false;
    for (;;) {
      const a = await this.attempt(method, path, who, body, opts.key);
      if (typeof a !== 'string') {
        if (a.status < 300) return a.body;
        if (a.status === 503) this.o.counts.s503++;
        else if (a.status >= 500) this.o.counts.s500++;
        else if (a.status === 409 && ambiguous && opts.target && reached(a.body?.error?.currentStage, opts.target)) return undefined;
        else {
          this.o.counts.unexpected++;
          throw new Error(`${label} ${path}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
        }
      }
      ambiguous = true;
      if (Date.now() > deadline) throw new Error(`${label} ${path}: no answer within ${this.o.stepBudgetMs} ms`);
      // Retry-After is honoured, within the step's budget.
      const retryAfter = typeof a !== 'string' ? Math.min(a.retryAfterMs, 10_000) : 0;
      await new Promise((r) => setTimeout(r, Math.max(wait, retryAfter)));
      wait = Math.min(wait * 2, 4_000);
    }
  }

  /** Polls GET /cases/:caseNo until the stage is one of `stages` (bounded). */
  async waitStage(caseNo: string, stages: string[]): Promise<void> {
    const deadline = Date.now() + this.o.stepBudgetMs;
    for (;;) {
      const got = await this.send('GET', 'GET', `/cases/${caseNo}`, 'supervisor', undefined);
      if (stages.includes(got.case.stage)) return;
      if (Date.now() > deadline) throw new Error(`case ${caseNo} stuck in ${got.case.stage}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** One case from intake to archive; resolves with its case number. */
  async walkCase(run: string, i: number, slot: { start: string; end: string }, onCase: (caseNo: string) => void): Promise<string> {
    const opened = await this.send(
      'intake',
      'POST',
      '/cases',
      'agent',
      {
        channel: 'phone',
        customer: { name: `Chaos ${i}`, phone: `+86 139 ${String(i).padStart(8, '0')}`, address: 'Chaos Road 1', region: 'QA-CHAOS' },
        product: { category: 'air_conditioner', model: 'KFR-35GW', serial: `CHAOS-${run}-${i}` },
        faultDescription: 'chaos case',
        priority: 'P3',
      },
      { key: `chaos-${run}-${i}` },
    );
    const caseNo: string = opened.case.caseNo;
    onCase(caseNo);
    // No engineer serves QA-CHAOS: the case waits for a dispatcher.
    await this.waitStage(caseNo, ['manual_dispatch']);
    const moves: Array<[string, Who, unknown]> = [
      ['assign', 'dispatcher', { engineerId: 'E001' }],
      ['contact', 'engineerE001', { confirmedAddress: 'Chaos Road 1', diagnosis: 'chaos' }],
      ['appointment', 'engineerE001', slot],
      ['check-in', 'engineerE001', {}],
      ['check-out', 'engineerE001', { result: 'fixed', resolution: 'chaos' }],
      ['confirm', 'agent', { rating: 5 }],
    ];
    for (const [move, who, body] of moves) {
      await this.send(move, 'POST', `/cases/${caseNo}/${move}`, who, body, { key: `chaos-${run}-${i}-${move}`, target: MOVE_TARGET[move] });
    }
    return caseNo;
  }
}
