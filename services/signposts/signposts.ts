/**
 * Services the assistant does not do (new bins, bulky waste, parking, potholes, planning,
 * housing repairs, complaints, benefits…) and where a resident can, from
 * data/<council>/signposts/signposts.json. A resident asking for one is told where to go, not
 * "say it another way".
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, displayPath, loadJsonFile } from '../data/loadDataFile.js';
import { missingGroups } from '../words/topicMatcher.js';
import { DEFAULT_MAX_GAP, TopicMatcher } from '../words/topicMatcher.js';

const phrase = z.string().min(1);
const schema = z.object({
  /** Other words allowed between a phrase's words. */
  maxGap: z.number().int().min(0).max(10).default(DEFAULT_MAX_GAP),
  /** Alternatives named in phrases as {name}: "collect": ["collect", "pick up", "get rid of"]. */
  groups: z.record(z.string().regex(/^[a-zA-Z]+$/, 'must be letters only'), z.array(phrase).min(1)).default({}),
  /** The file's own text-speak ("sofer" -> "sofa"), before matching. */
  spellings: z.record(z.string().regex(/^[a-z0-9]+$/, 'must be one lower-case word'), z.string().min(1)).default({}),
  signposts: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z_]*$/, 'must be lower case letters and underscores'),
        label: z.string().min(1),
        url: z.url(),
        phrases: z.array(phrase).min(1),
        /** Near misses: a message with one of these is not this signpost ("new bin day" is not a new bin). */
        unless: z.array(phrase).default([]),
      }),
    )
    .min(1),
});

export type SignpostsData = z.infer<typeof schema>;
export type Signpost = SignpostsData['signposts'][number];

/** The message a signpost is answered with, in messages.json (web and SMS). */
export function signpostMessageId(id: string): string {
  return `signpost.${id}`;
}

export class Signposts {
  private readonly matcher: TopicMatcher<Signpost>;
  readonly all: readonly Signpost[];

  constructor(data: SignpostsData) {
    this.all = data.signposts;
    this.matcher = new TopicMatcher(
      data.signposts.map((signpost) => ({ value: signpost, phrases: signpost.phrases, unless: signpost.unless })),
      { groups: data.groups, maxGap: data.maxGap, spellings: data.spellings },
    );
  }

  static load(dataDir: string): Signposts {
    const path = join(dataDir, 'signposts', 'signposts.json');
    const data = loadJsonFile(path, schema);
    const problems = missingGroups(
      data.groups,
      data.signposts.flatMap((s) => [...s.phrases, ...s.unless]),
    );
    if (problems.length) throw new DataFileError(displayPath(path), problems);
    return new Signposts(data);
  }

  /** The first service (in the table's order) named in the message that the assistant does not do, if any. */
  signpostIn(text: string | undefined): Signpost | undefined {
    return text ? this.matcher.findAll(text)[0] : undefined;
  }
}
