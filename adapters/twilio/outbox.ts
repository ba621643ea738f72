/**
 * What one turn sends, collected until the turn ends and then sent as few texts as possible:
 * the turn's replies joined (separated by a new line) and split at sentence boundaries only
 * where the whole would exceed the per-text segment budget. Joining costs nothing extra
 * (three 50-character replies are one segment, not three) and one text cannot arrive out of
 * order, which separate texts can.
 */
import { countSegments, toGsm7, type Encoding } from '../../services/channels/smsText.js';
import type { Choice, RenderedSms } from './render.js';
import { splitForSms } from './split.js';

export interface PlannedText {
  body: string;
  segments: number;
  encoding: Encoding;
}

export class Outbox {
  private readonly replies: RenderedSms[] = [];

  add(reply: RenderedSms): void {
    this.replies.push(reply);
  }

  get isEmpty(): boolean {
    return this.replies.length === 0;
  }

  /** The choices of the last reply that offered any (a later "2" means its second). */
  get choices(): Choice[] {
    for (let i = this.replies.length - 1; i >= 0; i -= 1) {
      const reply = this.replies[i];
      if (reply && reply.choices.length) return reply.choices;
    }
    return [];
  }

  /** The texts to send, each within `maxSegmentsPerText`. */
  plan(maxSegmentsPerText: number): PlannedText[] {
    const joined = toGsm7(this.replies.map((reply) => reply.text).join('\n'));
    return splitForSms(joined, maxSegmentsPerText).map((body) => {
      const { segments, encoding } = countSegments(body);
      return { body, segments, encoding };
    });
  }
}
