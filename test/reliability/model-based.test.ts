import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from './model/arbitraries.js';
import { setup } from './model/real.js';

/** 1,000 runs in npm test; `MODEL_RUNS=20000` for the long form. */
const RUNS = Number(process.env.MODEL_RUNS ?? 1_000);

describe('model-based: the service against a plain reference model', () => {
  it(`agrees with the model after every step of ${RUNS} random command sequences`, async () => {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), commands, async (maxBreadcrumbs, cmds) => {
        const { model, real } = setup(maxBreadcrumbs);
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        steps += [...cmds].length;
        expect(real.reported).toEqual([]);
        await real.service.close();
      }),
      { numRuns: RUNS },
    );
    console.log(`[reliability] model-based: ${RUNS} runs, ${steps} commands, 0 disagreements`);
  });
});
