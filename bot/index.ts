/**
 * `npm start`: runs the assistant as a process. A bad configuration stops the start with a
 * message naming the variable; SIGTERM and SIGINT stop it gracefully.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from './config.js';
import { startAssistant } from './assistant.js';

// Settings may also come from a .env file (copied from .env.example); the real environment wins.
if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const assistant = await startAssistant();
  const shutdown = (signal: string) => {
    assistant.logger.info({ signal }, 'signal received');
    assistant.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        assistant.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => assistant.logger.error({ err: reason }, 'unhandled promise rejection'));
} catch (error) {
  // The logger may not exist yet (its level is configuration too), so write plainly.
  const message = error instanceof ConfigError ? error.message : `council-assistant could not start: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
