/**
 * One retry policy for every question the assistant asks, in every job: a wrong answer is
 * explained and the same question asked again ("Sorry, <what was wrong>. <the question, with an
 * example or its choices>"); a second wrong answer to the same question is not asked a third
 * time: the resident is offered a person, in the same words whatever the job. The job then ends,
 * so "person" (or the button) goes straight to the contact centre and anything else starts afresh.
 *
 * The top level uses the same count for messages it cannot understand at all.
 */
import type { TurnContext } from 'botbuilder';
import type { Messages } from '../content.js';
import { say } from '../reply.js';
import { notUnderstood } from '../outcomes.js';

/** Wrong answers to one question before a person is offered instead of the question again. */
export const WRONG_ANSWERS_BEFORE_PERSON = 2;

/** Kept in a dialog's state: how many wrong answers the question being asked has had. */
export interface QuestionTries {
  wrongAnswers?: number;
}

/**
 * Counts a wrong answer. 'again': the caller explains and asks the question again.
 * 'person': a person has been offered, and the caller ends its job.
 */
export async function wrongAnswer(
  context: TurnContext,
  messages: Messages,
  tries: QuestionTries,
): Promise<'again' | 'person'> {
  tries.wrongAnswers = (tries.wrongAnswers ?? 0) + 1;
  if (tries.wrongAnswers < WRONG_ANSWERS_BEFORE_PERSON) {
    notUnderstood(context, 'asked_again');
    return 'again';
  }
  tries.wrongAnswers = 0;
  notUnderstood(context, 'offered_person');
  await offerPerson(context, messages);
  return 'person';
}

/** A question answered: the next question starts with a clean count. */
export function rightAnswer(tries: QuestionTries): void {
  tries.wrongAnswers = 0;
}

/** The one offer of a person after the last retry, the same in every job. */
export async function offerPerson(context: TurnContext, messages: Messages): Promise<void> {
  await say(context, messages, 'question.offerPerson');
}
