/**
 * Splits a long reply into separate texts at sentence boundaries, each within a segment
 * budget, so every text stands alone on the handset instead of being cut mid-word by the
 * network or by Twilio's 1,600-character limit.
 */
import { countSegments } from '../../services/channels/smsText.js';

function fits(text: string, maxSegments: number): boolean {
  return countSegments(text).segments <= maxSegments;
}

/** Sentences (and lines), each keeping its own punctuation. */
export function sentencesOf(text: string): string[] {
  const pieces: string[] = [];
  for (const line of text.split(/\n+/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    // After . ! ? (optionally closed by a quote or bracket) and before a space.
    pieces.push(...trimmed.split(/(?<=[.!?]["')\]]?)\s+(?=\S)/));
  }
  return pieces;
}

/** Words, for a sentence too long to send whole; a word longer still is cut. */
function wordsOf(sentence: string, maxSegments: number): string[] {
  const out: string[] = [];
  for (const word of sentence.split(/\s+/)) {
    let rest = word;
    while (!fits(rest, maxSegments)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut), maxSegments)) cut -= 1;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    if (rest) out.push(rest);
  }
  return out;
}

/**
 * Packs sentences greedily into texts of at most `maxSegments` segments each. Lines stay
 * lines (numbered choices must not run together); sentences on one line join with a space.
 */
export function splitForSms(text: string, maxSegments: number): string[] {
  const whole = text.trim();
  if (fits(whole, maxSegments)) return whole ? [whole] : [];

  const parts: string[] = [];
  let current = '';
  const push = (piece: string, separator: string) => {
    const candidate = current ? current + separator + piece : piece;
    if (fits(candidate, maxSegments)) {
      current = candidate;
      return;
    }
    if (current) parts.push(current);
    current = piece;
  };

  for (const line of whole.split(/\n+/)) {
    let lineStart = true;
    for (const sentence of sentencesOf(line)) {
      const pieces = fits(sentence, maxSegments) ? [sentence] : wordsOf(sentence, maxSegments);
      for (const piece of pieces) {
        push(piece, lineStart ? '\n' : ' ');
        lineStart = false;
      }
    }
  }
  if (current) parts.push(current);
  return parts;
}
