/**
 * Sending a permit by text to a number the resident gave on the web. A port, so the dialogs
 * never know it is Twilio (adapters/twilio/sendText.ts) and run without SMS configured.
 */
export type TextOutcome = 'sent' | 'opted_out' | 'failed';

export interface PermitTexts {
  /** Texts `text` to `phoneE164`; never to a number that has texted STOP. */
  send(phoneE164: string, text: string): Promise<TextOutcome>;
}
