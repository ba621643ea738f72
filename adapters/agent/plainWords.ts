/**
 * Intent names, handoff reasons and outcomes in the words an agent reads. The names are the
 * assistant's own contract (see README); agents should never have to decode "agent.request".
 * Urgent topics have their own labels in the council's safeguarding data.
 */

const JOBS: Record<string, string> = {
  'bins.next_collection': 'Finding their bin collection day',
  'bins.missed': 'Reporting a missed bin collection',
  'tip.book_permit': 'Booking a van or trailer permit for the tip',
  'tip.manage_permit': 'Changing or cancelling a tip permit',
  'tip.site_info': 'Tip opening times and what it takes',
  counciltax: 'A council tax question',
  'counciltax.band': 'Council tax band',
  'counciltax.pay': 'Paying council tax',
  'counciltax.discount': 'A council tax discount',
  'counciltax.moving': 'Moving home (council tax)',
  'counciltax.account': 'Their council tax account',
  'counciltax.support': 'Help paying council tax',
  'agent.request': 'Asked to speak to a person',
  'smalltalk.greeting': 'Just said hello',
  help: 'Asked what the assistant can do',
  general: 'Not a particular job',
  'sms.undelivered': 'Texts to them could not be delivered',
  'directline.undelivered': 'Messages to them could not be delivered',
};

const REASONS: Record<string, string> = {
  asked: 'They asked for a person',
  misunderstood: 'The assistant did not understand them',
  sensitive: 'A sensitive or urgent matter',
  verification_failed: 'They could not pass the account check',
  not_helped: 'They said the answer did not help',
  frustrated: 'They sounded frustrated',
  undeliverable: 'Replies could not be delivered: phone them',
  locked: 'Their account check is locked after too many tries',
};

const OUTCOMES: Record<string, string> = {
  resolved: 'Resolved',
  case_opened: 'Case opened',
  callback_arranged: 'Callback arranged',
  referred: 'Referred to another team',
  resident_left: 'Resident left',
  other: 'Other',
  external_completed: 'Completed by another system',
  no_answer: 'No answer: tried to call',
};

function sentence(value: string): string {
  const words = value.replace(/[._]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
}

export function jobInWords(intent: string | undefined): string | undefined {
  if (!intent) return undefined;
  return JOBS[intent] ?? sentence(intent);
}

export function reasonInWords(reason: string): string {
  return REASONS[reason] ?? sentence(reason);
}

export function outcomeInWords(outcome: string): string {
  return OUTCOMES[outcome] ?? sentence(outcome);
}
