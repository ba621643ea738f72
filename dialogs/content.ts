/**
 * The assistant's words belong to the council: every general message lives in
 * data/<council>/messages.json, with a web version, an SMS version (short, standalone, no
 * links to tap) and the quick replies offered on the web. Validated at load so a typo in the
 * file stops start-up with the file and message named, not a resident's conversation.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../services/data/loadDataFile.js';
import { MESSAGE_IDS, type KnownMessageId } from './messageIds.js';

const messageSchema = z.object({
  web: z.string().min(1),
  sms: z.string().min(1),
  choices: z.array(z.string().min(1).max(40)).max(8).optional(),
});

const jobMessagesSchema = z.object({ messages: z.record(z.string(), messageSchema) });

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

export type Channel = 'web' | 'sms';
export type CouncilInfo = z.infer<typeof contentSchema>['council'];

export interface RenderedMessage {
  text: string;
  /** Quick replies for the web; SMS residents type instead. */
  choices: string[];
}

export class Messages {
  private constructor(
    readonly council: CouncilInfo,
    private readonly messages: Record<string, z.infer<typeof messageSchema>>,
    private readonly menus: Record<string, string> = {},
  ) {}

  /**
   * messages.json holds the council's details and general messages; each job's folder
   * (bins/, tip/, counciltax/…) may have its own messages.json, so the words of a job sit
   * beside its data.
   */
  static load(dataDir: string): Messages {
    const main = loadJsonFile(join(dataDir, 'messages.json'), contentSchema);
    const messages = { ...main.messages };
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      const file = join(dataDir, entry.name, 'messages.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      for (const [id, message] of Object.entries(loadJsonFile(file, jobMessagesSchema).messages)) {
        if (messages[id]) throw new Error(`${file}: message "${id}" is already defined elsewhere`);
        messages[id] = message;
      }
    }
    // Every id the code can render, on both channels (the schema requires a web and an SMS text).
    const missing = MESSAGE_IDS.filter((id) => !messages[id]);
    if (missing.length) throw new Error(`${dataDir}: messages missing (add them to messages.json or a job folder's messages.json): ${missing.join(', ')}`);
    const unknownMenu = Object.entries(main.menus).find(([, id]) => !messages[id]);
    if (unknownMenu) throw new Error(`${join(dataDir, 'messages.json')}: menus.${unknownMenu[0]}: no message "${unknownMenu[1]}"`);
    return new Messages(main.council, messages, main.menus);
  }

  /** The menu message for a message that is only a menu word ("Council tax"), if any. */
  menuFor(text: string): MenuMessageId | undefined {
    const key = text.toLowerCase().replace(/[^a-z ]/g, ' ').replace(/\s+/g, ' ').trim();
    return this.menus[key] as MenuMessageId | undefined;
  }

  has(id: string): boolean {
    return id in this.messages;
  }

  /** Stops start-up when a message a dialog will need is missing (both channels are required per message). */
  require(ids: readonly string[], where: string): void {
    const missing = ids.filter((id) => !this.has(id));
    if (missing.length) throw new Error(`${where}: messages missing: ${missing.join(', ')}`);
  }

  /** The message for the channel with {placeholders} filled from the council and `values`. */
  render(id: MessageId, channel: Channel, values: Record<string, string | number> = {}): RenderedMessage {
    const message = this.messages[id];
    if (!message) throw new Error(`No message "${id}" in messages.json`);
    const fill = (template: string) =>
      template.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = values[name] ?? (this.council as Record<string, string>)[name];
        return value === undefined ? whole : String(value);
      });
    return { text: fill(channel === 'sms' ? message.sms : message.web), choices: channel === 'web' ? (message.choices ?? []) : [] };
  }
}
