/**
 * Runs resident scenarios through the whole assistant, once per channel: the web resident
 * over Direct Line as Web Chat does, the SMS resident through signed Twilio webhooks. The
 * assistant's clock is set to each scenario's time. A scenario is fully right only when every
 * turn's replies match what it expects.
 */
import { startTestCouncil } from '../helpers/residents.js';
import { CHANNELS, compile, type Channel, type Scenario } from './scenarioFile.js';

export interface ScenarioResult {
  scenario: Scenario;
  channel: Channel;
  ok: boolean;
  /** For a failure: the turn that went wrong, what was expected and what came back. */
  failure?: string;
}

/**
 * Each channel runs on an assistant (and database) of its own, side by side, so a permit or
 * report made on the web never changes what the SMS resident of the same scenario is told.
 */
export async function runScenarios(
  scenarios: Scenario[],
  env: Record<string, string> = {},
  onResult?: (result: ScenarioResult) => void,
): Promise<ScenarioResult[]> {
  const byChannel = await Promise.all(
    CHANNELS.map((channel) =>
      runChannel(
        channel,
        scenarios.filter((s) => s.channels.includes(channel)),
        env,
        onResult,
      ),
    ),
  );
  return byChannel.flat();
}

async function runChannel(
  channel: Channel,
  scenarios: Scenario[],
  env: Record<string, string>,
  onResult?: (result: ScenarioResult) => void,
): Promise<ScenarioResult[]> {
  let now = new Date();
  const council = await startTestCouncil(env, undefined, () => now);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      now = scenario.at;
      const result = await runOne(scenario, channel, async () =>
        channel === 'web' ? council.webResident() : council.smsResident(),
      );
      results.push(result);
      onResult?.(result);
    }
  } finally {
    await council.close();
  }
  return results;
}

async function runOne(
  scenario: Scenario,
  channel: Channel,
  open: () => Promise<{ say(text: string): Promise<string[]> }>,
): Promise<ScenarioResult> {
  const resident = await open();
  for (const [index, turn] of scenario.turns.entries()) {
    if (turn.channels && !turn.channels.includes(channel)) continue;
    const said = typeof turn.say === 'string' ? turn.say : turn.say[channel];
    let replies: string;
    try {
      replies = (await resident.say(said)).join('\n');
    } catch (error) {
      return { scenario, channel, ok: false, failure: `turn ${index + 1} "${said}": ${(error as Error).message}` };
    }
    const missing = turn.expect.map((e) => compile(e, channel)).filter((pattern) => !pattern.test(replies));
    const unwanted = turn.never.map((e) => compile(e, channel)).filter((pattern) => pattern.test(replies));
    if (missing.length || unwanted.length) {
      const wanted = [...missing.map((p) => `expected ${p}`), ...unwanted.map((p) => `did not want ${p}`)].join(', ');
      return {
        scenario,
        channel,
        ok: false,
        failure: `turn ${index + 1} "${said}": ${wanted}; got: ${JSON.stringify(replies)}`,
      };
    }
  }
  return { scenario, channel, ok: true };
}

export interface ShareRow {
  job: string;
  channel: Channel;
  right: number;
  total: number;
}

/** The share fully right per job and channel, then per channel over all jobs ("all"). */
export function sharesOf(results: ScenarioResult[]): ShareRow[] {
  const rows = new Map<string, ShareRow>();
  const add = (job: string, result: ScenarioResult) => {
    const key = `${job}\u0000${result.channel}`;
    const row = rows.get(key) ?? { job, channel: result.channel, right: 0, total: 0 };
    row.total += 1;
    if (result.ok) row.right += 1;
    rows.set(key, row);
  };
  for (const result of results) add(result.scenario.job, result);
  for (const result of results) add('all', result);
  return [...rows.values()];
}

export function formatShare(row: ShareRow): string {
  const percent = row.total ? (100 * row.right) / row.total : 0;
  return `${row.job.padEnd(12)} ${row.channel.padEnd(4)} ${percent.toFixed(1).padStart(5)}%  (${row.right}/${row.total} fully right)`;
}
