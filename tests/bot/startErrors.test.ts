/**
 * What a failed start prints: the setting to change first, one line, no password. (The same
 * failures through the real process are in tests/system/startErrors.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/config.js';
import { blameSetting, describeStartFailure, redisWhere, SettingError } from '../../bot/startErrors.js';
import { DataFileError } from '../../services/data/loadDataFile.js';

describe('a failed start', () => {
  it('names the setting when a step fails, with the reason in the driver’s words', async () => {
    const failing = blameSetting(
      'STORAGE_URL',
      'the database could not be opened',
      () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')),
      5_000,
    );
    await expect(failing).rejects.toThrow(
      new SettingError('STORAGE_URL', 'the database could not be opened: connect ECONNREFUSED 10.0.0.5:5432'),
    );
  });

  it('names the setting when a step never answers, instead of hanging', async () => {
    const hanging = blameSetting(
      'STORAGE_URL',
      'the database could not be opened',
      () => new Promise<never>(() => undefined),
      50,
    );
    await expect(hanging).rejects.toThrow('STORAGE_URL: the database could not be opened: no answer within 0 s');
  });

  it('passes the result through when the step works', async () => {
    await expect(blameSetting('REDIS_URL', 'Redis did not answer', async () => 'PONG', 5_000)).resolves.toBe('PONG');
  });

  it('never shows a Redis password', () => {
    expect(redisWhere('redis://:s3cret@cache.internal:6380/2')).toBe('redis://cache.internal:6380');
    expect(redisWhere('rediss://user:s3cret@cache.internal')).toBe('rediss://cache.internal:6379');
  });

  it('prints a bad data file under COUNCIL_DATA_DIR, and unexpected failures with their stack', () => {
    const bad = new DataFileError('data/x/gazetteer.csv', [
      'row 2 (property 1): postcode: "DF1" is not a valid postcode',
    ]);
    expect(describeStartFailure(bad, './data/x')).toMatch(
      /^council-assistant could not start: COUNCIL_DATA_DIR \(\.\/data\/x\): .*\ndata\/x\/gazetteer\.csv row 2/,
    );
    expect(describeStartFailure(new ConfigError(['PORT: too big']), undefined)).toBe(
      'Configuration is not valid:\n  - PORT: too big',
    );
    expect(describeStartFailure(new SettingError('REDIS_URL', 'down'), undefined)).toBe(
      'council-assistant could not start: REDIS_URL: down',
    );
    expect(describeStartFailure(new Error('boom'), undefined)).toMatch(/could not start: Error: boom\n\s+at /);
  });
});
