/**
 * When a resident would like to be called back ("ring me after 6pm", "mornings are best"),
 * read from their own words, and whether the contact centre's hours can honour it. Kept so the
 * agent sees it, and so the resident is told honestly when it cannot be met.
 */

export interface TimePreference {
  /** The words that said it, as the resident wrote them ("after 6pm"). */
  text: string;
  /** Minutes after midnight: not before this… */
  from?: number;
  /** …and not after this. */
  until?: number;
}

const CLOCK = String.raw`(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?`;
const AFTER = new RegExp(String.raw`\b(?:after|from|not before)\s+${CLOCK}`, 'i');
const BEFORE = new RegExp(String.raw`\b(?:before|by|until|till|not after)\s+${CLOCK}`, 'i');
const PARTS: [RegExp, Omit<TimePreference, 'text'>][] = [
  [/\b(?:in the |any )?mornings?\b/i, { until: 12 * 60 }],
  [/\b(?:in the |any )?afternoons?\b/i, { from: 12 * 60, until: 17 * 60 }],
  [/\b(?:in the |any )?evenings?\b|\bafter work\b|\btonight\b/i, { from: 18 * 60 }],
  [/\blunch ?time\b/i, { from: 12 * 60, until: 14 * 60 }],
];

/** "6" with no am/pm is 6pm: nobody asks for a call at 6 in the morning by default. */
function minutes(hourText: string, minuteText: string | undefined, meridiem: string | undefined): number | undefined {
  let hour = Number(hourText);
  const minute = minuteText ? Number(minuteText) : 0;
  if (hour > 23 || minute > 59) return undefined;
  const m = meridiem?.toLowerCase().replace(/\./g, '');
  if (m === 'pm' && hour < 12) hour += 12;
  else if (m === 'am' && hour === 12) hour = 0;
  else if (!m && hour >= 1 && hour <= 7) hour += 12;
  return hour * 60 + minute;
}

export function parseTimePreference(text: string): TimePreference | undefined {
  const after = AFTER.exec(text);
  if (after?.[1]) {
    const from = minutes(after[1], after[2], after[3]);
    if (from !== undefined) return { text: after[0].trim(), from };
  }
  const before = BEFORE.exec(text);
  if (before?.[1]) {
    const until = minutes(before[1], before[2], before[3]);
    if (until !== undefined) return { text: before[0].trim(), until };
  }
  for (const [pattern, window] of PARTS) {
    const found = pattern.exec(text);
    if (found) return { text: found[0].trim(), ...window };
  }
  return undefined;
}
