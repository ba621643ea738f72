/**
 * Services the assistant does not do (new bins, bulky waste, parking, potholes, planning,
 * housing repairs, complaints, benefits…) and where a resident can, from
 * data/<council>/signposts/signposts.json. A resident asking for one is told where to go, not
 * "say it another way".
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../data/loadDataFile.js';
import { PhraseMatcher } from '../words/phraseMatcher.js';

const schema = z.object({
  signposts: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z_]*$/, 'must be lower case letters and underscores'),
        label: z.string().min(1),
        url: z.url(),
        phrases: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});

export type Signpost = z.infer<typeof schema>['signposts'][number];

/** The message a signpost is answered with, in messages.json (web and SMS). */
export function signpostMessageId(id: string): string {
  return `signpost.${id}`;
}

export class Signposts {
  private readonly matcher: PhraseMatcher<Signpost>;

  constructor(readonly all: readonly Signpost[]) {
    this.matcher = new PhraseMatcher(
      all.map((signpost) => ({ value: signpost, phrases: signpost.phrases })),
      { slips: true },
    );
  }

  static load(dataDir: string): Signposts {
    return new Signposts(loadJsonFile(join(dataDir, 'signposts', 'signposts.json'), schema).signposts);
  }

  /** The first service named in the message that the assistant does not do, if any. */
  signpostIn(text: string | undefined): Signpost | undefined {
    return text ? this.matcher.findAll(text)[0] : undefined;
  }
}
