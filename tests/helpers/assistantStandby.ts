/**
 * A warm spare for kill -9 trials: loads every module `npm start` loads (the bulk of a cold
 * start on a busy machine is Node reading and compiling them), then waits, holding no port,
 * database or Redis connection, until its parent says "go" over IPC, and then runs the real
 * entry point, bot/index.ts, exactly as `npm start` would. So a restart after a kill still
 * opens the database, runs migrations, loads the model and the council's data, sweeps and
 * listens, but does not wait for TypeScript and node_modules to load again.
 */
await import('../../bot/assistant.js');
await import('../../bot/config.js');
await import('../../bot/lastResort.js');

await new Promise<void>((resolve) => {
  process.once('message', () => resolve());
  process.send?.('loaded');
});
// Nothing more comes over IPC; without this the channel would keep the process from exiting.
process.disconnect?.();
await import('../../bot/index.js');
