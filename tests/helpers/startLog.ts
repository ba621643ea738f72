/**
 * The assistant's start log line ("council-assistant is listening", at info level, with the
 * port it bound) read from a child process's stdout: how tests learn the port of a process
 * they cannot give an IPC channel (`npm start` itself). Everything else on stdout is read and
 * dropped, so a chatty process never blocks on a full pipe.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { READY_LIMIT_MS } from './process.js';

const ListeningLine = z.object({ msg: z.literal('council-assistant is listening'), port: z.number().int().positive() });

/** Resolves with the port from the start log line; rejects if the process exits first or hangs past the limit. */
export function listeningPort(child: ChildProcess, limitMs = READY_LIMIT_MS): Promise<number> {
  if (!child.stdout) throw new Error('listeningPort needs the child started with stdout piped');
  const lines = createInterface({ input: child.stdout });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "is listening" log line within ${limitMs} ms (TEST_TIME_SCALE stretches this)`)),
      limitMs,
    );
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`exited (${code ?? signal}) before listening`));
    const finish = (outcome: number | Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.removeAllListeners('line');
      // Keep draining: the process goes on logging after its start line.
      lines.on('line', () => undefined);
      if (typeof outcome === 'number') resolve(outcome);
      else reject(outcome);
    };
    lines.on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return; // npm's own banner, not a log line
      }
      const listening = ListeningLine.safeParse(parsed);
      if (listening.success) finish(listening.data.port);
    });
    child.once('exit', onExit);
  });
}
