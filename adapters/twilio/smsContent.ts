/**
 * The SMS channel's own words and keywords, in data/<council>/sms.json (content is data):
 * the opt-out and opt-in confirmations, the "please slow down" reply, and which whole-message
 * words mean STOP or START. Validated at load; {shortName} and {phone} come from the council's
 * messages.json so they are written once.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../../services/data/loadDataFile.js';
import { countSegments } from '../../services/channels/smsText.js';

const keyword = z.string().regex(/^[A-Za-z]+$/, 'a keyword is one word of letters');

/** Confirmations must fit one GSM-7 segment: they are sent to people who asked for less. */
const oneSegment = z.string().min(1).max(400);

/** The council's details in messages.json, for {placeholders}; the dialogs' loader checks the rest of that file. */
const councilSchema = z.object({ council: z.record(z.string(), z.string()) });

const smsFileSchema = z.object({
  keywords: z.object({
    optOut: z.array(keyword).min(1),
    optIn: z.array(keyword).min(1),
    /** Opt-in words that are ordinary answers ("yes") unless the number has opted out. */
    optInWhenOptedOut: z.array(keyword).default([]),
  }),
  messages: z.object({ optedOut: oneSegment, optedIn: oneSegment, slowDown: oneSegment }),
});

export type SmsMessageId = keyof z.infer<typeof smsFileSchema>['messages'];
export type Keyword = 'optOut' | 'optIn' | 'optInWhenOptedOut';

export class SmsContent {
  private constructor(
    private readonly file: z.infer<typeof smsFileSchema>,
    private readonly council: Record<string, string>,
  ) {}

  static load(dataDir: string): SmsContent {
    const file = join(dataDir, 'sms.json');
    const data = loadJsonFile(file, smsFileSchema);
    const { council } = loadJsonFile(join(dataDir, 'messages.json'), councilSchema);
    const content = new SmsContent(data, council);
    for (const id of Object.keys(data.messages) as SmsMessageId[]) {
      const { segments, encoding } = countSegments(content.text(id));
      if (segments > 1 || encoding !== 'GSM-7')
        throw new Error(`${file}: messages.${id}: must fit one GSM-7 text (160 characters)`);
    }
    return content;
  }

  text(id: SmsMessageId): string {
    return this.file.messages[id].replace(/\{(\w+)\}/g, (whole, name: string) => this.council[name] ?? whole);
  }

  /** Which keyword list the whole message is in, if any (case and surrounding punctuation ignored). */
  keywordOf(text: string | undefined): Keyword | undefined {
    if (!text) return undefined;
    const word = text
      .trim()
      .replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, '')
      .toUpperCase();
    if (!word) return undefined;
    const { keywords } = this.file;
    if (keywords.optOut.some((k) => k.toUpperCase() === word)) return 'optOut';
    if (keywords.optIn.some((k) => k.toUpperCase() === word)) return 'optIn';
    if (keywords.optInWhenOptedOut.some((k) => k.toUpperCase() === word)) return 'optInWhenOptedOut';
    return undefined;
  }
}
