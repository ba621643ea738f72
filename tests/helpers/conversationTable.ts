/**
 * Conversations as test data: what the resident says and what the assistant
 * must answer, run once on the web and once by SMS through the whole assistant. An expected
 * answer is a pattern, or one pattern per channel where the SMS wording is shorter.
 */
import { expect } from 'vitest';
import type { Resident } from './residents.js';

export type Expected = RegExp | { web: RegExp; sms: RegExp };

export interface Turn {
  say: string;
  /** Every pattern must match the replies to this message (joined). */
  expect?: Expected[];
  /** No pattern may match. */
  never?: Expected[];
}

function pattern(expected: Expected, channel: 'web' | 'sms'): RegExp {
  return expected instanceof RegExp ? expected : expected[channel];
}

export async function runConversation(resident: Resident, turns: Turn[]): Promise<string[][]> {
  const transcript: string[][] = [];
  for (const turn of turns) {
    const replies = await resident.say(turn.say);
    transcript.push(replies);
    const joined = replies.join('\n');
    for (const expected of turn.expect ?? []) {
      expect(joined, `after "${turn.say}" on ${resident.channel}`).toMatch(pattern(expected, resident.channel));
    }
    for (const unwanted of turn.never ?? []) {
      expect(joined, `after "${turn.say}" on ${resident.channel}`).not.toMatch(pattern(unwanted, resident.channel));
    }
  }
  return transcript;
}
