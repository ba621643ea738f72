/**
 * How long the tests allow for anything that takes wall-clock time (a process starting, a test
 * as a whole), as one multiplier: TEST_TIME_SCALE=3 on a machine three times as slow or as busy.
 * Limits are bounds on a hang, never speed checks, so raising them never hides a wrong answer.
 */
export const TIME_SCALE = (() => {
  const raw = process.env.TEST_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`TEST_TIME_SCALE must be a positive number, not "${raw}"`);
  return scale;
})();

/** `ms` stretched by TEST_TIME_SCALE. */
export const scaled = (ms: number): number => Math.round(ms * TIME_SCALE);
