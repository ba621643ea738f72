/**
 * The one failure every back-office port may report: the council's system did not answer in
 * time, refused, or answered something we cannot read. Services throw it; the dialogs catch it
 * once (MainDialog) and tell the resident, in the council's words, to call or ask for a person.
 * It says which port failed and why, for logs and metrics, never a resident's details.
 */
export const BACK_OFFICE_PORTS = ['addresses', 'bins', 'permits', 'councilTax', 'cases'] as const;
export type BackOfficePort = (typeof BACK_OFFICE_PORTS)[number];

export type UnavailableCause = 'timeout' | 'network' | 'refused' | 'bad_response';

export class BackOfficeUnavailableError extends Error {
  override readonly name = 'BackOfficeUnavailableError';
  constructor(
    readonly port: BackOfficePort,
    readonly failure: UnavailableCause,
    detail: string,
  ) {
    super(`The ${port} back office is unavailable (${failure}): ${detail}`);
  }
}

export function isBackOfficeUnavailable(error: unknown): error is BackOfficeUnavailableError {
  return error instanceof BackOfficeUnavailableError;
}
