/**
 * The assistant's words belong to the council: every general message lives in
 * data/<council>/messages.json, with a version for each kind of channel (`web`; `sms`: short,
 * standalone, no links to tap) and the choices offered as buttons. Validated at load so a typo
 * in the file stops start-up with the file and message named, not a resident's conversation.
 *
 * Those files are in English. Another language is data too: `messages.<code>.json` beside any
 * messages.json (`messages.cy.json` for Welsh) holds the same ids in that language; a
 * conversation whose locale is that language reads them, and any message not translated yet
 * in English.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../services/data/loadDataFile.js';
import { CONTENT_KINDS, DEFAULT_LANGUAGE, type Channel, type ContentKind } from '../services/channels/channels.js';
import { MESSAGE_IDS, type KnownMessageId } from './messageIds.js';

const messageSchema = z.object({
  ...(Object.fromEntries(CONTENT_KINDS.map((kind) => [kind, z.string().min(1)])) as Record<ContentKind, z.ZodString>),
  choices: z.array(z.string().min(1).max(40)).max(8).optional(),
});
type Message = z.infer<typeof messageSchema>;

const jobMessagesSchema = z.object({ messages: z.record(z.string(), messageSchema) });
/** A translation file: the council's words in one more language. */
const TRANSLATION_FILE = /^messages\.([a-z]{2,3})\.json$/;

const contentSchema = z.object({
  council: z.object({
    name: z.string().min(1),
    shortName: z.string().min(1),
    assistantName: z.string().min(1),
    phone: z.string().min(1),
    website: z.url(),
    contactHours: z.string().min(1),
  }),
  messages: z.record(z.string(), messageSchema),
  /**
   * Words that open a menu rather than a job: "council tax" alone could be any of six
   * questions, so it offers them. Keys are what the resident types (lower case), values
   * message ids.
   */
  menus: z.record(z.string(), z.string()).default({}),
});

/**
 * A message the code renders (checked by the compiler against MESSAGE_IDS), or a menu message a
 * council named in messages.json `menus` (checked when the file is loaded).
 */
export type MessageId = KnownMessageId | MenuMessageId | DataMessageId;
/** A message id read from the council's `menus`, which the load proved exists. */
export type MenuMessageId = string & { readonly __menuMessage: true };
/**
 * A message id made from the council's own data (a signpost, an urgent topic, a language),
 * whose messages the composition root proved present with Messages.require at start.
 */
export type DataMessageId = string & { readonly __dataMessage: true };

/** Marks an id built from the council's data; only for ids the start checked with `require`. */
export function dataMessageId(id: string): DataMessageId {
  return id as DataMessageId;
}

export type CouncilInfo = z.infer<typeof contentSchema>['council'];

export interface RenderedMessage {
  text: string;
  /** Buttons where the channel has them; elsewhere residents type (or answer with a number). */
  choices: string[];
}

export class Messages {
  private constructor(
    readonly council: CouncilInfo,
    private readonly messages: Record<string, Message>,
    private readonly menus: Record<string, string> = {},
    /** Other languages than English, by code: the messages translated so far. */
    private readonly translations: ReadonlyMap<string, Record<string, Message>> = new Map(),
  ) {}

  /**
   * messages.json holds the council's details and general messages; each job's folder
   * (bins/, tip/, counciltax/…) may have its own messages.json, so the words of a job sit
   * beside its data.
   */
  static load(dataDir: string): Messages {
    const main = loadJsonFile(join(dataDir, 'messages.json'), contentSchema);
    const messages = { ...main.messages };
    const folders = readdirSync(dataDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dataDir, entry.name));
    for (const folder of folders) {
      const file = join(folder, 'messages.json');
      if (!existsSync(file)) continue;
      for (const [id, message] of Object.entries(loadJsonFile(file, jobMessagesSchema).messages)) {
        if (messages[id]) throw new Error(`${file}: message "${id}" is already defined elsewhere`);
        messages[id] = message;
      }
    }
    const translations = new Map<string, Record<string, Message>>();
    for (const folder of [dataDir, ...folders]) {
      for (const name of readdirSync(folder)) {
        const language = TRANSLATION_FILE.exec(name)?.[1];
        if (!language || language === DEFAULT_LANGUAGE) continue;
        const file = join(folder, name);
        const translated = translations.get(language) ?? {};
        for (const [id, message] of Object.entries(loadJsonFile(file, jobMessagesSchema).messages)) {
          // A translation of a message nobody wrote in English is a typo in its id.
          if (!messages[id]) throw new Error(`${file}: message "${id}" is not in any messages.json`);
          if (translated[id]) throw new Error(`${file}: message "${id}" is already translated elsewhere`);
          translated[id] = message;
        }
        translations.set(language, translated);
      }
    }
    // Every id the code can render, on both channels (the schema requires a web and an SMS text).
    const missing = MESSAGE_IDS.filter((id) => !messages[id]);
    if (missing.length)
      throw new Error(
        `${dataDir}: messages missing (add them to messages.json or a job folder's messages.json): ${missing.join(', ')}`,
      );
    const unknownMenu = Object.entries(main.menus).find(([, id]) => !messages[id]);
    if (unknownMenu)
      throw new Error(`${join(dataDir, 'messages.json')}: menus.${unknownMenu[0]}: no message "${unknownMenu[1]}"`);
    return new Messages(main.council, messages, main.menus, translations);
  }

  /** The languages the council has words in: English, then any translations. */
  get languages(): string[] {
    return [DEFAULT_LANGUAGE, ...this.translations.keys()];
  }

  /** The menu message for a message that is only a menu word ("Council tax"), if any. */
  menuFor(text: string): MenuMessageId | undefined {
    const key = text
      .toLowerCase()
      .replace(/[^a-z ]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return this.menus[key] as MenuMessageId | undefined;
  }

  has(id: string): boolean {
    return id in this.messages;
  }

  /** Stops start-up when a message a dialog will need is missing (every kind of channel is required per message). */
  require(ids: readonly string[], where: string): void {
    const missing = ids.filter((id) => !this.has(id));
    if (missing.length) throw new Error(`${where}: messages missing: ${missing.join(', ')}`);
  }

  /**
   * The message for the channel, in the conversation's language where the council has
   * translated it (English otherwise), with {placeholders} filled from the council and `values`.
   */
  render(
    id: MessageId,
    channel: Pick<Channel, 'content' | 'choices' | 'language'>,
    values: Record<string, string | number> = {},
  ): RenderedMessage {
    const message = this.translations.get(channel.language)?.[id] ?? this.messages[id];
    if (!message) throw new Error(`No message "${id}" in messages.json`);
    const fill = (template: string) =>
      template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = values[name] ?? (this.council as Record<string, string>)[name];
        return value === undefined ? whole : String(value);
      });
    return {
      text: fill(message[channel.content]),
      choices: channel.choices === 'buttons' ? (message.choices ?? []) : [],
    };
  }
}
