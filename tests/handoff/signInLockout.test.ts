/**
 * Guessing an agent's password: five wrong tries lock the username for 15 minutes, on every
 * instance at once (the count is in the database), and the right password works again after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, MONDAY_10AM, startHandoffCouncil, type HandoffCouncil, type TestClock } from './harness.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';

const PASSWORD = 'a long enough password';
let database: TestDatabase;
let clock: TestClock;
let first: HandoffCouncil;
let second: HandoffCouncil;

beforeAll(async () => {
  database = await testDatabase();
  clock = { now: MONDAY_10AM };
  // Two instances on one database, as behind a load balancer.
  first = await startHandoffCouncil({ db: database, clock });
  second = await startHandoffCouncil({ db: database, clock, fakeTwilio: first.fakeTwilio });
  await first.handoff.accounts.add('eve', PASSWORD, { displayName: 'Eve' });
  await first.handoff.accounts.add('sam', PASSWORD, { displayName: 'Sam' });
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
  await first?.fakeTwilio.close();
  await database?.drop();
});

describe('agent sign-in lock-out', () => {
  it('locks a username after five wrong passwords spread over two instances, for 15 minutes', async () => {
    const instances = [first, second, first, second, first];
    for (const instance of instances) {
      expect((await new AgentClient(instance.url).signIn('eve', 'guess')).status).toBe(401);
    }
    // Now even the right password is refused, on either instance, with a plain reason.
    for (const instance of [first, second]) {
      const refused = await new AgentClient(instance.url).signIn('eve', PASSWORD);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toMatch(/Too many attempts/);
    }
    // Another agent is not locked out by Eve's guesser.
    expect((await new AgentClient(second.url).signIn('sam', PASSWORD)).status).toBe(200);

    clock.now += 15 * 60_000;
    expect((await new AgentClient(second.url).signIn('eve', PASSWORD)).status).toBe(200);
  });

  it('forgets earlier mistakes once the agent signs in', async () => {
    for (let i = 0; i < 4; i++) expect((await new AgentClient(first.url).signIn('sam', 'typo')).status).toBe(401);
    expect((await new AgentClient(second.url).signIn('sam', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await new AgentClient(first.url).signIn('sam', 'typo')).status).toBe(401);
    expect((await new AgentClient(first.url).signIn('sam', PASSWORD)).status).toBe(200);
  });
});
