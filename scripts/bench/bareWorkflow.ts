// L1 of `npm run bench`: the bare workflow casework is measured against — the same seven
// Updates (intake by update-with-start, then six moves), one INSERT activity each, and
// nothing else (no SLA clocks, reminders, search attributes or messages).
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export const benchStep = defineUpdate<number, [string]>('benchStep');

const { insertStep } = proxyActivities<{ insertStep(id: string, step: string): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function bareCase(id: string): Promise<number> {
  let steps = 0;
  let done = false;
  setHandler(benchStep, async (step) => {
    await insertStep(id, step);
    if (step === 'confirm') done = true;
    return ++steps;
  });
  await condition(() => done);
  await condition(allHandlersFinished);
  return steps;
}
