/**
 * Why a start failed, in the words of the setting to change. A database that does not answer,
 * a data folder that is not there or a Redis server that is down are all settings pointing at
 * the wrong place (or at something not yet running), so whoever reads the one line printed
 * knows which variable to look at before reading any stack.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.js';
import { DataFileError, displayPath } from '../services/data/loadDataFile.js';

export class SettingError extends Error {
  override readonly name = 'SettingError';

  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

/** The error's own words, without a stack: drivers' messages name the host, file or code. */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return reason(error.errors[0]);
  const err = error as NodeJS.ErrnoException;
  return err?.message || err?.code || String(error);
}

/**
 * Runs one step of the start; a failure (or no answer within `timeoutMs`) becomes a
 * SettingError naming `setting`. A connection that never answers must not leave the start
 * hanging with nothing said.
 */
export async function blameSetting<T>(
  setting: string,
  what: string,
  step: () => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([step(), timedOut]);
  } catch (error) {
    if (error instanceof SettingError) throw error;
    throw new SettingError(setting, `${what}: ${reason(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The council data folder must exist and hold messages.json before anything reads from it. */
export function checkCouncilDataDir(dir: string): void {
  const shown = displayPath(dir);
  const found = statSync(dir, { throwIfNoEntry: false });
  if (!found)
    throw new SettingError(
      'COUNCIL_DATA_DIR',
      `${shown} does not exist (it should be the council's data folder, such as ./data/demo)`,
    );
  if (!found.isDirectory()) throw new SettingError('COUNCIL_DATA_DIR', `${shown} is not a folder`);
  try {
    statSync(join(dir, 'messages.json'));
  } catch {
    throw new SettingError(
      'COUNCIL_DATA_DIR',
      `${shown} has no messages.json, so it is not a council's data folder (see data/demo for one)`,
    );
  }
}

/** Redis URLs may carry a password: show only where it points. */
export function redisWhere(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured server';
  }
}

/** One message for the terminal or the process manager's log: the setting first, no stack when it is ours. */
export function describeStartFailure(error: unknown, councilDataDir: string | undefined): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof SettingError) return `council-assistant could not start: ${error.message}`;
  if (error instanceof DataFileError) {
    const dir = councilDataDir ? ` (${councilDataDir})` : '';
    return `council-assistant could not start: COUNCIL_DATA_DIR${dir}: a file in the council's data folder is not valid:\n${error.message}`;
  }
  return `council-assistant could not start: ${(error as Error)?.stack ?? String(error)}`;
}
