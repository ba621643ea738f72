/**
 * Loaded into an assistant process a test starts (`--import`, or imported by the warm spare):
 * tells the parent, over the IPC channel, which port the server bound, so tests start every
 * process on PORT=0 and never guess a free port (probing one and releasing it races with every
 * other process on the machine). Node announces each bound server on this diagnostics channel,
 * whatever the log level; the assistant runs one server. The channel is closed once the port is
 * sent, so it never keeps the process alive.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:net';

export interface ListeningReport {
  listening: number;
}

subscribe('tracing:net.server.listen:asyncEnd', (message) => {
  const address = (message as { server: Server }).server.address();
  if (!address || typeof address !== 'object' || !process.connected) return;
  const report: ListeningReport = { listening: address.port };
  process.send?.(report, () => process.disconnect());
});
