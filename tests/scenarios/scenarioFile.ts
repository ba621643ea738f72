/**
 * The resident scenario files: conversations a council writes as data (one JSON file per job in
 * its data folder's `scenarios/`), checked with zod when loaded so a typo in a file is reported
 * with the file and the field instead of passing silently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';

export const CHANNELS = ['web', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A regular expression (matched ignoring case), or one per channel where the wording differs. */
const expectation = z.union([z.string().min(1), z.object({ web: z.string().min(1), sms: z.string().min(1) }).strict()]);
export type Expectation = z.infer<typeof expectation>;

const turn = z
  .object({
    /** What the resident writes: the same on both channels, or one per channel (a tap on the web, a number by SMS). */
    say: z.union([z.string(), z.object({ web: z.string(), sms: z.string() }).strict()]),
    /** Every pattern must match the assistant's replies to this message, joined by new lines. */
    expect: z.array(expectation).default([]),
    /** No pattern may match them. */
    never: z.array(expectation).default([]),
    /** Only on these channels (a step one channel has and the other has not); both when left out. */
    channels: z
      .array(z.enum(['web', 'sms']))
      .min(1)
      .optional(),
  })
  .strict();
export type ScenarioTurn = z.infer<typeof turn>;

/** London wall-clock time, "yyyy-MM-dd HH:mm". */
const londonTime = z
  .string()
  .refine((value) => DateTime.fromFormat(value, 'yyyy-MM-dd HH:mm', { zone: 'Europe/London' }).isValid, {
    message: 'must be London time as "yyyy-MM-dd HH:mm"',
  });

const scenario = z
  .object({
    name: z.string().min(1),
    /** When the resident writes (the assistant's clock); the file's `at` when left out. */
    at: londonTime.optional(),
    /** The channels it runs on; both when left out. */
    channels: z.array(z.enum(CHANNELS)).min(1).optional(),
    turns: z.array(turn).min(1),
  })
  .strict();

const scenarioFile = z
  .object({
    _comment: z.string().optional(),
    /** The job these conversations are about, as the summary groups them. */
    job: z.string().min(1),
    at: londonTime,
    scenarios: z.array(scenario).min(1),
  })
  .strict();

export interface Scenario {
  job: string;
  name: string;
  file: string;
  at: Date;
  channels: readonly Channel[];
  turns: ScenarioTurn[];
}

export function toDate(londonWallClock: string): Date {
  return DateTime.fromFormat(londonWallClock, 'yyyy-MM-dd HH:mm', { zone: 'Europe/London' }).toJSDate();
}

/** Every scenario in every `*.json` file of the folder, in file order. */
export function loadScenarios(folder: string): Scenario[] {
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return files.flatMap((name) => {
    const path = join(folder, name);
    const parsed = scenarioFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new Error(`${path}: ${problems}`);
    }
    const seen = new Set<string>();
    return parsed.data.scenarios.map((s) => {
      if (seen.has(s.name)) throw new Error(`${path}: two scenarios are called "${s.name}"`);
      seen.add(s.name);
      for (const t of s.turns) {
        for (const e of [...t.expect, ...t.never]) {
          compile(e, 'web');
          compile(e, 'sms');
        }
      }
      return {
        job: parsed.data.job,
        name: s.name,
        file: name,
        at: toDate(s.at ?? parsed.data.at),
        channels: s.channels ?? CHANNELS,
        turns: s.turns,
      };
    });
  });
}

/** The pattern of an expectation for a channel; a bad pattern fails the load, not the run. */
export function compile(expected: Expectation, channel: Channel): RegExp {
  const source = typeof expected === 'string' ? expected : expected[channel];
  try {
    return new RegExp(source, 'i');
  } catch (error) {
    throw new Error(`not a regular expression: ${source} (${(error as Error).message})`, { cause: error });
  }
}
