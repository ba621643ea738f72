/**
 * Velocity limits chosen by the composition root's crossInstance: with REDIS_URL, two
 * instances on one database count one client's requests together (so spreading a spray over
 * instances gains nothing); alone, each counts in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Counter } from 'prom-client';
import { crossInstance, type CrossInstance } from '../../bot/crossInstance.js';
import { VelocityLimits, limitRules } from '../../bot/limits/velocityLimits.js';
import { loadConfig } from '../../bot/config.js';
import { openDatabase, type Database } from '../../store/database.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { REDIS_URL } from './redisTest.js';

const logger = pino({ level: 'silent' });
const rules = limitRules(loadConfig({ LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '4' }));
const counter = () =>
  new Counter({
    name: `test_limited_${Math.random().toString(36).slice(2)}`,
    help: 'test',
    labelNames: ['limit', 'scope'] as const,
    registers: [],
  });

describe('velocity limits across instances', () => {
  let testDb: TestDatabase;
  let database: Database;
  let a: CrossInstance;
  let b: CrossInstance;

  beforeAll(async () => {
    testDb = sqliteTestDatabase();
    database = await openDatabase(testDb.url);
    a = await crossInstance(REDIS_URL, database.db, logger);
    b = await crossInstance(REDIS_URL, database.db, logger);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.close();
    await testDb?.drop();
  });

  it('counts one client once however its requests are spread over instances with Redis', async () => {
    const onA = new VelocityLimits(rules, a.limiter, counter(), logger);
    const onB = new VelocityLimits(rules, b.limiter, counter(), logger);
    const client = `client-${Date.now()}-${Math.random()}`;
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await (i % 2 === 0 ? onA : onB).admit('tokens', client)).allowed);
    expect(answers).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('counts in memory on a lone instance', async () => {
    const alone = await crossInstance(undefined, database.db, logger);
    const limits = new VelocityLimits(rules, alone.limiter, counter(), logger);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await limits.admit('tokens', 'someone')).allowed);
    expect(answers).toEqual([true, true, true, true, false, false]);
    await alone.close();
  });
});
