/**
 * The council's answers to general council tax questions: content, not records. They come
 * from answers.json in the council's data folder whichever back office holds the records, are
 * synchronous (nothing remote to wait for) and are filled in with the year, charges, payment
 * days and council phone. A property's band answer takes the band the CouncilTaxRecords port
 * gave, so the words stay the council's while the band comes from its system.
 */
import type { IntentName } from '../../intents/types.js';
import type { PropertyBand } from './councilTaxRecords.js';
import type { CouncilTaxData, TopicData } from './councilTaxData.js';
import { formatPounds } from './money.js';
import { fill, type TemplateValues } from './templates.js';

/** A topic's answer with every placeholder filled in. */
export interface Answer {
  topic: string;
  intent: IntentName;
  /** Short, for a quick-reply button. */
  label: string;
  /** Markdown allowed. */
  web: string;
  /** Plain GSM-7 text, at most two segments, with the moreUrl link in it. */
  sms: string;
  moreUrl: string;
  /** The action (CouncilTaxActions) to offer after the answer, if any. */
  offers?: string;
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(readonly topic: string) {
    super(`No council tax topic "${topic}" in answers.json`);
  }
}

export class CouncilTaxAnswers {
  private readonly byId: Map<string, TopicData>;

  constructor(private readonly data: CouncilTaxData) {
    this.byId = new Map(data.topics.map((t) => [t.id, t]));
  }

  /**
   * The council's answer on a topic (see topics()). `values` supplies what only the caller
   * knows. Throws for an unknown topic: topics are data, so a dialog asking for one that is
   * not there is a programming error.
   */
  answer(topic: string, values: TemplateValues = {}): Answer {
    const data = this.byId.get(topic);
    if (!data) throw new UnknownTopicError(topic);
    return this.render(data, values);
  }

  /** The band topic filled in for one property's band (from CouncilTaxRecords.bandFor). */
  bandAnswer(band: PropertyBand): Answer {
    return this.answer('band', { address: band.address, band: band.band, charge: formatPounds(band.annualCharge) });
  }

  /** The topics for an intent, in the file's order (the first is the intent's main answer). */
  topics(intent?: IntentName): Answer[] {
    return this.data.topics.filter((t) => intent === undefined || t.intent === intent).map((t) => this.render(t, {}));
  }

  /** The topic whose keywords best match what the resident typed, within an intent if given. */
  findTopic(text: string, intent?: IntentName): Answer | undefined {
    const typed = ` ${text
      .toLowerCase()
      .replace(/[’']/g, "'")
      .replace(/[^a-z0-9%' ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()} `;
    let best: { topic: TopicData; length: number } | undefined;
    for (const topic of this.data.topics) {
      if (intent !== undefined && topic.intent !== intent) continue;
      for (const keyword of topic.keywords) {
        // The longest keyword found wins: "single person discount" is about more than "discount".
        if (typed.includes(` ${keyword.toLowerCase()} `) && keyword.length > (best?.length ?? 0))
          best = { topic, length: keyword.length };
      }
    }
    return best ? this.render(best.topic, {}) : undefined;
  }

  private render(topic: TopicData, values: TemplateValues): Answer {
    const all = { ...this.data.globals, moreUrl: topic.moreUrl, ...values };
    return {
      topic: topic.id,
      intent: topic.intent,
      label: topic.label,
      web: fill(topic.web, all),
      sms: fill(topic.sms, all),
      moreUrl: topic.moreUrl,
      ...(topic.offers ? { offers: topic.offers } : {}),
    };
  }
}
