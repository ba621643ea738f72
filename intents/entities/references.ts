/**
 * References the council gives residents: permits TP-, missed-bin reports MB-, handoff and
 * callback cases HC-, each + 6 digits. Residents type them as "tp123456", "TP 123456", "tp-123456".
 */
import type { ReferenceEntity } from '../types.js';

const PREFIX_TYPE = {
  TP: 'permitRef',
  MB: 'missedBinRef',
  HC: 'caseRef',
} as const satisfies Record<string, ReferenceEntity['type']>;

const CANDIDATE = /(?<![A-Za-z0-9])(tp|mb|hc) ?[-_/]? ?([0-9]{6})(?![0-9])/gi;

export function findReferences(text: string): ReferenceEntity[] {
  const found: ReferenceEntity[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const prefix = (match[1] ?? '').toUpperCase() as keyof typeof PREFIX_TYPE;
    found.push({
      type: PREFIX_TYPE[prefix],
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
      value: `${prefix}-${match[2] ?? ''}`,
    });
  }
  return found;
}

/** A prompt's answer as a reference of one kind: "tp 123456" -> "TP-123456", else null. */
export function parseReference(text: string, type?: ReferenceEntity['type']): string | null {
  const found = findReferences(text).find((ref) => !type || ref.type === type);
  return found?.value ?? null;
}
