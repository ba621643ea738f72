/**
 * What a turn achieved, told by the dialogs at the moment it happens ("a permit was issued",
 * "this message was not understood and the question was asked again"), so the bot can count it
 * for the council's insights and ask whether it answered the question. Kept on the turn only:
 * the dialogs neither know nor care who listens.
 */
import type { TurnContext } from 'botbuilder';
import type { JobOutcome, NextStep } from '../services/insights/events.js';

export type { JobOutcome, NextStep } from '../services/insights/events.js';

const JOBS = Symbol('outcomes.jobs');
const NOT_UNDERSTOOD = Symbol('outcomes.notUnderstood');

/** A job finished with what the resident came for (an answer, a permit, a report, a signpost). */
export function jobCompleted(context: TurnContext, outcome: JobOutcome): void {
  const jobs = (context.turnState.get(JOBS) as JobOutcome[] | undefined) ?? [];
  jobs.push(outcome);
  context.turnState.set(JOBS, jobs);
}

/** The message was not understood (or was a wrong answer to a question), and what happened next. */
export function notUnderstood(context: TurnContext, next: NextStep): void {
  context.turnState.set(NOT_UNDERSTOOD, next);
}

export function jobsCompletedThisTurn(context: TurnContext): JobOutcome[] {
  return (context.turnState.get(JOBS) as JobOutcome[] | undefined) ?? [];
}

export function notUnderstoodThisTurn(context: TurnContext): NextStep | undefined {
  return context.turnState.get(NOT_UNDERSTOOD) as NextStep | undefined;
}
