/**
 * The process's last resort. Every handler refuses bad input itself; should one still let an
 * error escape, the error is logged (without the request that caused it) and the process keeps
 * serving every other resident, instead of one request stopping web, SMS and the agent console
 * at once. Errors are counted so a bug like that shows on the dashboards.
 */
import type { Logger } from 'pino';

export function keepServingOnEscapedErrors(
  logger: () => Logger | undefined,
  onEscaped: () => void = () => undefined,
): void {
  const report = (kind: string, error: unknown) => {
    onEscaped();
    const err =
      error instanceof Error
        ? { type: error.name, message: error.message, stack: error.stack }
        : { type: typeof error };
    const log = logger();
    if (log) log.error({ err }, kind);
    else process.stderr.write(`${kind}: ${err.type} ${'message' in err ? err.message : ''}\n`);
  };
  process.on('uncaughtException', (error) => report('uncaught exception (kept serving)', error));
  process.on('unhandledRejection', (reason) => report('unhandled promise rejection (kept serving)', reason));
}
