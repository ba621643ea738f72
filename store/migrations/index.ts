import type { Migration } from 'kysely';
import type { Dialect } from './columns.js';
import { foundation } from './001_foundation.js';
import { missedBins } from './002_missed_bins.js';
import { sms } from './003_sms.js';
import { permits } from './004_permits.js';
import { councilTaxCases } from './005_counciltax_cases.js';
import { handoff } from './006_handoff.js';
import { agentSignInFailures } from './007_agent_sign_in_failures.js';
import { smsInboxOutbox } from './008_sms_inbox_outbox.js';
import { directLineInbox } from './009_directline_inbox.js';
import { dropSmsClaims } from './010_drop_sms_claims.js';
import { smsOutboxAttemptStarted } from './011_sms_outbox_attempt_started.js';
import { workspace } from './012_workspace.js';
import { insights } from './013_insights.js';

/**
 * Every migration, in order. Names are permanent: a migration that has run on a council's
 * database is never edited, only followed by a new one.
 */
export function allMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_foundation': foundation(dialect),
    '002_missed_bins': missedBins(),
    '003_sms': sms(),
    '004_permits': permits(),
    '005_counciltax_cases': councilTaxCases(),
    '006_handoff': handoff(dialect),
    '007_agent_sign_in_failures': agentSignInFailures(),
    '008_sms_inbox_outbox': smsInboxOutbox(dialect),
    '009_directline_inbox': directLineInbox(),
    '010_drop_sms_claims': dropSmsClaims(),
    '011_sms_outbox_attempt_started': smsOutboxAttemptStarted(),
    '012_workspace': workspace(),
    '013_insights': insights(dialect),
  };
}
