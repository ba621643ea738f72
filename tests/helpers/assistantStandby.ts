/**
 * A warm spare for kill -9 trials: loads every module `npm start` loads (the bulk of a cold
 * start on a busy machine is Node reading and compiling them), then waits, holding no port,
 * database or Redis connection, until its parent says "go" over IPC, and then runs the real
 * entry point, bot/index.ts, exactly as `npm start` would. So a restart after a kill still
 * opens the database, runs migrations, loads the model and the council's data, sweeps and
 * listens, but does not wait for TypeScript and node_modules to load again. Like every process
 * the tests start, it binds the port in PORT (0: any free one) and reports it over IPC
 * (reportListeningPort.ts, which also closes the channel so it never keeps the process alive).
 */
await import('./reportListeningPort.js');
await import('../../bot/assistant.js');
await import('../../bot/config.js');
await import('../../bot/lastResort.js');

await new Promise<void>((resolve) => {
  process.once('message', () => resolve());
  process.send?.('loaded');
});
await import('../../bot/index.js');
