/**
 * Urgent and safeguarding topics (self-harm, abuse, danger, homeless tonight, bailiffs at the
 * door, no food) and the contacts to give for each, from data/<council>/safeguarding/topics.json.
 * The council sets its own words and numbers there; this module only finds a topic in a
 * message. Matching forgives hurried typing and word order ("im gonna be homless tonite",
 * "the bailiffs r at the door", "enforcement agents coming tomorrow") but needs every word of a
 * phrase, so "my bin is homeless" and "what is a bailiff" are not urgent (services/words/topicMatcher.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, displayPath, loadJsonFile } from '../data/loadDataFile.js';
import { DEFAULT_MAX_GAP, TopicMatcher, missingGroups } from '../words/topicMatcher.js';

const contactId = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'must be letters and digits, starting with a letter');

const schema = z.object({
  contacts: z.record(contactId, z.object({ name: z.string().min(1), phone: z.string().min(1) })),
  /** Other words allowed between a phrase's words. */
  maxGap: z.number().int().min(0).max(10).default(DEFAULT_MAX_GAP),
  /** Alternatives named in phrases as {name}: "bailiff": ["bailiff", "enforcement agent"]. */
  groups: z
    .record(z.string().regex(/^[a-zA-Z]+$/, 'must be letters only'), z.array(z.string().min(1)).min(1))
    .default({}),
  spellings: z.record(z.string().regex(/^[a-z0-9]+$/, 'must be one lower-case word'), z.string().min(1)).default({}),
  topics: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z_]*$/, 'must be lower case letters and underscores'),
        label: z.string().min(1),
        contacts: z.array(contactId).min(1),
        askSafeContact: z.boolean().default(false),
        /**
         * Whether a callback for this topic may ask which property it is about. Never for someone
         * in danger or with nowhere to stay tonight: no address questions before help.
         */
        askProperty: z.boolean().default(false),
        phrases: z.array(z.string().min(1)).min(1),
        /** Near misses: a message with one of these is not this topic. */
        unless: z.array(z.string().min(1)).default([]),
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
  private readonly matcher: TopicMatcher<UrgentTopic>;
  private readonly byId: Map<string, UrgentTopic>;

  constructor(readonly data: UrgentTopicsData) {
    this.byId = new Map(data.topics.map((topic) => [topic.id, topic]));
    this.matcher = new TopicMatcher(
      data.topics.map((topic) => ({ value: topic, phrases: topic.phrases, unless: topic.unless })),
      { groups: data.groups, spellings: data.spellings, maxGap: data.maxGap },
    );
  }

  static load(dataDir: string): UrgentTopics {
    const path = join(dataDir, 'safeguarding', 'topics.json');
    const data = loadJsonFile(path, schema);
    const problems = [
      ...data.topics.flatMap((topic) =>
        topic.contacts
          .filter((id) => !data.contacts[id])
          .map((id) => `(topic ${topic.id}): contacts: no contact "${id}" under "contacts"`),
      ),
      ...missingGroups(
        data.groups,
        data.topics.flatMap((topic) => [...topic.phrases, ...topic.unless]),
      ),
    ];
    if (problems.length) throw new DataFileError(displayPath(path), problems);
    return new UrgentTopics(data);
  }

  private last: { text: string; topic: UrgentTopic | undefined } | undefined;

  /**
   * The most serious topic the message is about (topics are listed most serious first), if
   * any. Works on the whole message, however long: a cry for help inside a bin question counts.
   */
  topicIn(text: string | undefined): UrgentTopic | undefined {
    if (!text) return undefined;
    // One message is looked at by several parts of a turn (the handoff relay, the bot, the
    // dialogs, the insights inbox); the topics never change once loaded, so the last answer
    // is kept rather than matching the same text again.
    if (this.last?.text === text) return this.last.topic;
    const found = new Set(this.matcher.findAll(text));
    const topic = this.data.topics.find((t) => found.has(t));
    this.last = { text, topic };
    return topic;
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
}
