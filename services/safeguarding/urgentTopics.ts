/**
 * Urgent and safeguarding topics (self-harm, abuse, danger, homeless tonight, bailiffs at the
 * door, no food) and the contacts to give for each, from data/<council>/safeguarding/topics.json.
 * The council sets its own words and numbers there; this module only finds a topic in a
 * message. Matching forgives hurried typing ("im gonna be homless tonite") but needs a whole
 * phrase, so "my bin is homeless" is not urgent.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, displayPath, loadJsonFile } from '../data/loadDataFile.js';
import { PhraseMatcher, words } from '../words/phraseMatcher.js';

const contactId = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'must be letters and digits, starting with a letter');

const schema = z.object({
  contacts: z.record(contactId, z.object({ name: z.string().min(1), phone: z.string().min(1) })),
  spellings: z.record(z.string().regex(/^[a-z0-9]+$/, 'must be one lower-case word'), z.string().min(1)).default({}),
  topics: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z_]*$/, 'must be lower case letters and underscores'),
        label: z.string().min(1),
        contacts: z.array(contactId).min(1),
        askSafeContact: z.boolean().default(false),
        phrases: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});

export type UrgentTopicsData = z.infer<typeof schema>;
export type UrgentTopic = UrgentTopicsData['topics'][number];

/** The message a topic is answered with, in messages.json (web and SMS). */
export function urgentMessageId(topic: string): string {
  return `urgent.${topic}`;
}

export class UrgentTopics {
  private readonly matcher: PhraseMatcher<UrgentTopic>;
  private readonly byId: Map<string, UrgentTopic>;

  constructor(readonly data: UrgentTopicsData) {
    this.byId = new Map(data.topics.map((topic) => [topic.id, topic]));
    this.matcher = new PhraseMatcher(
      data.topics.map((topic) => ({ value: topic, phrases: topic.phrases.map((p) => this.respell(p)) })),
      { slips: true },
    );
  }

  static load(dataDir: string): UrgentTopics {
    const path = join(dataDir, 'safeguarding', 'topics.json');
    const data = loadJsonFile(path, schema);
    const problems = data.topics.flatMap((topic) =>
      topic.contacts.filter((id) => !data.contacts[id]).map((id) => `(topic ${topic.id}): contacts: no contact "${id}" under "contacts"`),
    );
    if (problems.length) throw new DataFileError(displayPath(path), problems);
    return new UrgentTopics(data);
  }

  /**
   * The most serious topic the message is about (topics are listed most serious first), if
   * any. Works on the whole message, however long: a cry for help inside a bin question counts.
   */
  topicIn(text: string | undefined): UrgentTopic | undefined {
    if (!text) return undefined;
    const found = new Set(this.matcher.findAll(this.respell(text)));
    return this.data.topics.find((topic) => found.has(topic));
  }

  topic(id: string): UrgentTopic | undefined {
    return this.byId.get(id);
  }

  /** Plain words for the agent console ("Homeless tonight"); the id itself when unknown. */
  label(id: string): string {
    return this.byId.get(id)?.label ?? id;
  }

  /** Every contact's number by id, to fill {samaritans}, {homelessLine}… in messages. */
  contactNumbers(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.data.contacts).map(([id, contact]) => [id, contact.phone]));
  }

  /** Text-speak to words ("im gonna" -> "i am going to") before matching. */
  private respell(text: string): string {
    return words(text)
      .map((word) => this.data.spellings[word] ?? word)
      .join(' ');
  }
}
