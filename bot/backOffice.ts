/**
 * Which back office answers each port, chosen by configuration (BACK_OFFICE_<PORT>): the
 * council's data folder and the store (embedded), or a council system speaking the back-office
 * API (http). Part of the composition root: it only decides and builds; the ports, the
 * implementations and the policies around them live in services/.
 */
import type { Config } from './config.js';
import { BACK_OFFICE_SETTINGS } from './config.js';
import { BackOfficeHttp } from '../services/backOffice/httpClient.js';
import type { BackOfficePort } from '../services/backOffice/unavailable.js';

export type BackOfficeChoice = 'embedded' | 'http';

/** Builds a port's implementation: the embedded one, or the http one over a client for its URL. */
export function chooseBackOffice(config: Config) {
  return function choose<T>(port: BackOfficePort, embedded: () => T, http: (client: BackOfficeHttp) => T): T {
    const [choice, urlSetting] = BACK_OFFICE_SETTINGS[port];
    if (config[choice] === 'embedded') return embedded();
    const baseUrl = config[urlSetting] ?? config.BACK_OFFICE_URL;
    // loadConfig refuses an http port without a URL; this only guards a hand-built Config.
    if (!baseUrl) throw new Error(`${urlSetting}: required when ${choice} is http`);
    return http(
      new BackOfficeHttp(port, {
        baseUrl,
        timeoutMs: config.BACK_OFFICE_TIMEOUT_MS,
        retries: config.BACK_OFFICE_RETRIES,
        ...(config.BACK_OFFICE_TOKEN ? { token: config.BACK_OFFICE_TOKEN } : {}),
      }),
    );
  };
}

/** Which implementation each port uses, for the start-up log line. */
export function backOfficeSummary(config: Config): Record<BackOfficePort, BackOfficeChoice> {
  const entries = Object.entries(BACK_OFFICE_SETTINGS).map(([port, [choice]]) => [port, config[choice]]);
  return Object.fromEntries(entries) as Record<BackOfficePort, BackOfficeChoice>;
}
