/** CouncilTax over the demo council's data files and gazetteer (the band is a gazetteer column). */
import type { Gazetteer } from '../addresses/gazetteer.js';
import type { IntentName } from '../../intents/types.js';
import type { Answer, ChargeTable, CouncilTax, PropertyBand } from './councilTax.js';
import type { CouncilTaxData, TopicData } from './councilTaxData.js';
import { formatPounds } from './money.js';
import { fill, type TemplateValues } from './templates.js';

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(readonly topic: string) {
    super(`No council tax topic "${topic}" in answers.json`);
  }
}

export class EmbeddedCouncilTax implements CouncilTax {
  private readonly byId: Map<string, TopicData>;

  constructor(
    private readonly gazetteer: Gazetteer,
    private readonly data: CouncilTaxData,
  ) {
    this.byId = new Map(data.topics.map((t) => [t.id, t]));
  }

  async bandFor(propertyId: string): Promise<PropertyBand | null> {
    const entry = this.gazetteer.get(propertyId);
    if (!entry) return null;
    const charge = this.data.charges.get(entry.councilTaxBand);
    // Every band has a charge (checked at load), so this is only reached with hand-built data.
    if (!charge) throw new Error(`No charge for band ${entry.councilTaxBand}`);
    return {
      propertyId,
      address: entry.property.label,
      band: entry.councilTaxBand,
      annualCharge: charge.annualCharge,
      year: this.data.year,
    };
  }

  async charges(): Promise<ChargeTable> {
    return {
      year: this.data.year,
      bands: [...this.data.charges].map(([band, c]) => ({ band, annualCharge: c.annualCharge, valuedAt1991: c.valuedAt1991, year: this.data.year })),
    };
  }

  answer(topic: string, values: TemplateValues = {}): Answer {
    const data = this.byId.get(topic);
    if (!data) throw new UnknownTopicError(topic);
    return this.render(data, values);
  }

  async bandAnswer(propertyId: string): Promise<Answer | null> {
    const band = await this.bandFor(propertyId);
    if (!band) return null;
    return this.answer('band', { address: band.address, band: band.band, charge: formatPounds(band.annualCharge) });
  }

  topics(intent?: IntentName): Answer[] {
    return this.data.topics.filter((t) => intent === undefined || t.intent === intent).map((t) => this.render(t, {}));
  }

  findTopic(text: string, intent?: IntentName): Answer | undefined {
    const typed = ` ${text.toLowerCase().replace(/[’']/g, "'").replace(/[^a-z0-9%' ]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
    let best: { topic: TopicData; length: number } | undefined;
    for (const topic of this.data.topics) {
      if (intent !== undefined && topic.intent !== intent) continue;
      for (const keyword of topic.keywords) {
        // The longest keyword found wins: "single person discount" is about more than "discount".
        if (typed.includes(` ${keyword.toLowerCase()} `) && keyword.length > (best?.length ?? 0)) best = { topic, length: keyword.length };
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
