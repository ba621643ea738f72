/**
 * Load: a burst of 1,000 texts from 50 numbers through the SMS adapter (in-process, against the
 * local fake of Twilio). Every one is answered, one turn at a time and in order per number. A
 * minute of CPU on two cores, so it runs in the system suite (`npm run test:system`).
 */
import { describe, expect, it } from 'vitest';
import { scaled } from '../helpers/timeScale.js';
import { residentNumber, startHarness } from './harness.js';

describe('a burst of 1,000 messages from 50 numbers', () => {
  it(
    'answers every message, one turn at a time and in order per number',
    async () => {
      const h = await startHarness({ adapter: { rateLimit: 1000 } });
      try {
        let running = 0;
        const overlaps: string[] = [];
        const active = new Set<string>();
        h.adapter.use({
          onTurn: async (context, next) => {
            const id = context.activity.conversation.id;
            if (active.has(id)) overlaps.push(id);
            active.add(id);
            running += 1;
            try {
              await next();
            } finally {
              active.delete(id);
              running -= 1;
            }
          },
        });
        const numbers = Array.from({ length: 50 }, (_, i) => residentNumber(100 + i));
        const started = Date.now();
        const statuses = await Promise.all(
          numbers.map(async (number) => {
            const results: number[] = [];
            for (let i = 0; i < 20; i += 1) results.push((await h.sms(number, `msg ${i}`)).status);
            return results;
          }),
        );
        const seconds = (Date.now() - started) / 1000;
        expect(statuses.flat().every((s) => s === 200)).toBe(true);
        await h.fake.waitForSent(1000);
        expect(h.fake.sent).toHaveLength(1000);
        for (const number of numbers) {
          const bodies = h.fake.sentTo(number).map((m) => m.body.split('\n').at(-1));
          expect(bodies).toEqual(Array.from({ length: 20 }, (_, i) => `You said: msg ${i}`));
        }
        expect(overlaps).toEqual([]);
        expect(running).toBe(0);
        // Not a timing test; printed for the record.
        process.stdout.write(`burst: 1000 messages from 50 numbers in ${seconds.toFixed(2)} s\n`);
      } finally {
        await h.close();
      }
    },
    scaled(600_000),
  );
});
