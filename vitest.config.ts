import { defineConfig } from 'vitest/config';
import { scaled } from './tests/helpers/timeScale.js';

/**
 * Two suites (vitest projects), each run on its own:
 * - fast (`npm test`): everything in-process, the assistant started inside the test worker on
 *   port 0; minutes on a 2-core machine.
 * - system (`npm run test:system`): tests that start the assistant as real processes and kill,
 *   restart or overload them: the kill -9 trials and other reliability tests, several instances,
 *   npm start and SIGTERM, load tests. A test file joins it by its folder, or by its name ending
 *   in `.process.test.ts` (it starts processes) or `.load.test.ts` (it is a load test).
 * TEST_TIME_SCALE stretches every limit on a slow or busy machine (see tests/helpers/timeScale.ts).
 */
const SYSTEM = [
  'tests/reliability/**/*.test.ts',
  'tests/scale/**/*.test.ts',
  'tests/system/**/*.test.ts',
  'tests/**/*.process.test.ts',
  'tests/**/*.load.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['tests/globalSetup.ts'],
    // Bounds on a hang, not speed checks: a loaded 2-core machine can take tens of seconds over a
    // test that starts a child process.
    testTimeout: scaled(60_000),
    hookTimeout: scaled(240_000),
    // expect.poll's default of 1 s is a speed check on a busy machine; this is a bound on a hang.
    expect: { poll: { timeout: scaled(15_000) } },
    // Two cores: more workers than that only makes the server-starting suites slower.
    maxWorkers: 2,
    env: { DOTENV_CONFIG_QUIET: 'true' },
    projects: [
      { extends: true, test: { name: 'fast', include: ['tests/**/*.test.ts'], exclude: SYSTEM } },
      { extends: true, test: { name: 'system', include: SYSTEM, testTimeout: scaled(180_000) } },
    ],
  },
});
