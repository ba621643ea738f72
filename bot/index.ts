/**
 * `npm start` (and `npm run start:prod`, compiled): runs the assistant as a process. A bad
 * configuration, or a database, data folder or Redis server it points at that does not answer,
 * stops the start with a message naming the variable; SIGTERM and SIGINT stop it gracefully, even when they arrive
 * while it is still starting.
 */
import { existsSync } from 'node:fs';
import { describeStartFailure } from './startErrors.js';
import { startAssistant, type RunningAssistant } from './assistant.js';
import { keepServingOnEscapedErrors } from './lastResort.js';

// Settings may also come from a .env file (copied from .env.example); the real environment wins.
if (existsSync('.env')) process.loadEnvFile('.env');

let running: RunningAssistant | undefined;
keepServingOnEscapedErrors(() => running?.logger);

const starting = startAssistant();

const shutdown = (signal: string) => {
  starting.then(
    async (assistant: RunningAssistant) => {
      assistant.logger.info({ signal }, 'signal received');
      try {
        await assistant.stop();
        process.exit(0);
      } catch (err) {
        assistant.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    },
    () => process.exit(1),
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));

try {
  running = await starting;
  // Whoever just typed `npm start` wants to know where to look; a council's own site embeds the
  // chat instead, so without the demo page there is only the agent console to point at.
  const where = running.config.DEMO_PAGE
    ? `Open ${running.url} to try the assistant`
    : `Agent console at ${running.url}/agent`;
  running.logger.info({ url: running.url }, where);
} catch (error) {
  // The logger may not exist yet (its level is configuration too), so write plainly, naming the
  // setting to change when the failure is one (a database, data folder or Redis server).
  process.stderr.write(`${describeStartFailure(error, process.env.COUNCIL_DATA_DIR || './data/demo')}\n`);
  process.exit(1);
}
