/**
 * The top of every conversation: understand what the resident wants and start the dialog for
 * that job, or answer the small things (hello, thanks, help) directly. Jobs register
 * themselves by intent, so adding a job never changes this file's logic.
 */
import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogContextError,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type Dialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { choiceTaken } from './choices/offeredChoices.js';
import { dataMessageId, type MessageId, type Messages } from './content.js';
import { interruptionIn } from './interruptions.js';
import { jobCompleted, notUnderstood } from './outcomes.js';
import { WRONG_ANSWERS_BEFORE_PERSON } from './questions/retryPolicy.js';
import { say } from './reply.js';
import { entityOf, type IntentRecogniser, type Understanding } from './understanding.js';
import { channelOf } from '../services/channels/channels.js';
import {
  isBackOfficeUnavailable,
  type BackOfficePort,
  type BackOfficeUnavailableError,
} from '../services/backOffice/unavailable.js';

export const MAIN_DIALOG = 'main';
const ROUTE = 'main.route';

export interface MainDialogOptions {
  /** The time given to the recogniser (for dates like "tomorrow"); the real clock by default. */
  clock?: () => Date;
  /** Told what each message was understood as (metrics count intents). */
  onUnderstood?: (understanding: Understanding) => void;
  /**
   * Urgent and safeguarding topics and the dialog that answers them: checked before anything
   * else on every message, whatever job is running.
   */
  urgent?: { topics: UrgentTopicFinder; dialog: Dialog };
  /** Services the assistant does not do, and where to go for them (services/signposts). */
  signposts?: { signpostIn(text: string): { id: string; url: string } | undefined };
  /** Frustration, small talk and other languages (services/words/conversationWords.ts). */
  words?: {
    isFrustrated(text: string, asksForAJob: boolean): boolean;
    isSmallTalk(text: string): boolean;
    languageOf(text: string): string | undefined;
  };
  /** Whether a postcode is in the borough: one that is not gets "another council looks after it". */
  coversPostcode?: (postcode: string) => Promise<boolean>;
  /** Told when a back-office system did not answer (logged and counted; the resident is answered here). */
  onBackOfficeUnavailable?: (error: BackOfficeUnavailableError) => void;
}

/** The back-office failure inside an error, through the dialog stack's wrappings (DialogContextError). */
function backOfficeFailureIn(error: unknown): BackOfficeUnavailableError | undefined {
  let current = error;
  for (let depth = 0; depth < 20 && current; depth += 1) {
    if (isBackOfficeUnavailable(current)) return current;
    current = current instanceof DialogContextError ? current.error : undefined;
  }
  return undefined;
}

/** What the resident is told when each back-office system does not answer. */
const UNAVAILABLE_MESSAGES: Record<BackOfficePort, MessageId> = {
  addresses: 'backOffice.unavailable.addresses',
  bins: 'backOffice.unavailable.bins',
  permits: 'backOffice.unavailable.permits',
  councilTax: 'backOffice.unavailable.councilTax',
  cases: 'backOffice.unavailable.cases',
};

/** Finds an urgent topic in a message (services/safeguarding/urgentTopics.ts). */
export interface UrgentTopicFinder {
  topicIn(text: string | undefined): { id: string } | undefined;
}

/** A job the assistant can do: the dialog to begin for each intent it handles. */
export interface JobRoute {
  intents: string[];
  dialog: Dialog;
  /**
   * Right after this job answered, a message it alone can make sense of ("what about over
   * christmas", "and 22 Mill Lane DF2 4QT") asks it again, though it names no job.
   */
  followUp?: (understanding: Understanding) => boolean;
  /**
   * A message that only makes sense after what this conversation just did ("actually can I
   * cancel that" after a permit was booked): this job's, whatever the intent model says.
   */
  inContext?: (text: string, context: TurnContext) => boolean;
}

/** How sure, and how long, a message must be to leave the job in progress for another. */
const SWITCH_JOB_SCORE = 0.9;
const SWITCH_JOB_MIN_WORDS = 3;

/** How many misunderstandings in a row before the resident is offered a person: the jobs' count. */
const MISUNDERSTANDINGS_BEFORE_PERSON = WRONG_ANSWERS_BEFORE_PERSON;
/** Where a turn keeps what its message was understood as. */
const UNDERSTOOD = Symbol('main.understood');

interface MainMemory {
  misunderstandings: number;
  /** The urgent topic being answered, so a reply to its question does not start it over. */
  urgentTopic?: string;
  /** The job that last answered, for a follow-up question. */
  lastJob?: string;
}

export class MainDialog extends ComponentDialog {
  private readonly dialogByIntent = new Map<string, string>();
  private readonly followUps = new Map<string, NonNullable<JobRoute['followUp']>>();
  private readonly inContext: [string, NonNullable<JobRoute['inContext']>][] = [];

  constructor(
    private readonly recogniser: IntentRecogniser,
    private readonly messages: Messages,
    private readonly memory: StatePropertyAccessor<MainMemory>,
    jobs: JobRoute[] = [],
    private readonly options: MainDialogOptions = {},
  ) {
    super(MAIN_DIALOG);
    if (options.urgent) this.addDialog(options.urgent.dialog);
    for (const job of jobs) {
      this.addDialog(job.dialog);
      for (const intent of job.intents) this.dialogByIntent.set(intent, job.dialog.id);
      if (job.followUp) this.followUps.set(job.dialog.id, job.followUp);
      if (job.inContext) this.inContext.push([job.dialog.id, job.inContext]);
    }
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  /**
   * A new question in the middle of another job is that new question. Asking for a person
   * works at any point ("what's your postcode?" - "can I talk to someone"); and a clear
   * question for another job ("is the tip open tomorrow?" while being asked for a postcode)
   * starts that job instead of being taken as a wrong answer. A message that carries details
   * (a phone number, a postcode, a reference…) is an answer, not a new question, even if it
   * says "call me"; so are short replies, which the job's own prompt is better placed to read.
   */
  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const activity = inner.context.activity;
    const active = inner.activeDialog?.id;
    const urgent = await this.urgentInterruption(inner.context, active);
    if (urgent) {
      await inner.cancelAllDialogs();
      return inner.beginDialog(urgent.dialog, urgent.options);
    }
    // One of the main menu's choices (shown with the question by "menu") goes there, as from the menu itself.
    if (activity.type === ActivityTypes.Message && active && active !== ROUTE && this.isMainMenuChoice(inner.context)) {
      await inner.cancelAllDialogs();
      return inner.beginDialog(ROUTE);
    }
    // A reply that is one of the choices just offered answers the question; it never switches job.
    if (activity.type === ActivityTypes.Message && active && active !== ROUTE && !choiceTaken(inner.context)) {
      const understanding = this.understand(inner.context);
      const target = this.dialogByIntent.get(understanding.intent);
      const person = understanding.intent === 'agent.request';
      const clearNewQuestion =
        understanding.score >= SWITCH_JOB_SCORE &&
        (activity.text ?? '').trim().split(/\s+/).length >= SWITCH_JOB_MIN_WORDS;
      // A date can be part of a new question ("is the tip open tomorrow"); a postcode, number
      // or reference is what a prompt asked for.
      const answersAPrompt = understanding.entities.some((entity) => person || entity.type !== 'date');
      if (target && target !== active && !answersAPrompt && (person || clearNewQuestion)) {
        this.options.onUnderstood?.(understanding);
        await inner.cancelAllDialogs();
        return inner.beginDialog(target, { understanding } satisfies JobOptions);
      }
    }
    const result = await super.onContinueDialog(inner);
    // A job that got a new question instead of the answer it waited for hands the message back.
    if (result.status === DialogTurnStatus.complete && result.result === NEW_QUESTION) return inner.beginDialog(ROUTE);
    return result;
  }

  /**
   * Whether the message is one of the main menu's choices (a button's words) or names one of the
   * council's menus ("tip", "council tax", which the SMS menu asks residents to text).
   */
  private isMainMenuChoice(context: TurnContext): boolean {
    const text = context.activity.text ?? '';
    const said = text.trim().toLowerCase();
    return (
      this.messages
        .render('menuMidQuestion', { ...channelOf(context), choices: 'buttons' })
        .choices.some((choice) => choice.toLowerCase() === said) || this.messages.menuFor(text) !== undefined
    );
  }

  /**
   * Runs one message turn: continue the dialog in progress, or start by understanding it.
   * A council system that does not answer, whichever job asked it, is handled here once: the
   * job ends and the resident is told, in the council's words, that the system is not available
   * right now, with the phone number, the hours and a person to ask, never the generic error.
   */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(dialogState);
    dialogSet.add(this);
    const dialogContext = await dialogSet.createContext(context);
    try {
      const result = await dialogContext.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.id);
    } catch (error) {
      const unavailable = backOfficeFailureIn(error);
      if (!unavailable) throw error;
      this.options.onBackOfficeUnavailable?.(unavailable);
      await dialogContext.cancelAllDialogs();
      await say(context, this.messages, UNAVAILABLE_MESSAGES[unavailable.port]);
    }
  }

  /**
   * The message understood once per turn: a message handed back by a job (NEW_QUESTION) is
   * routed afresh in the same turn and must not be recognised a second time.
   */
  private understand(context: TurnContext): Understanding {
    const known = context.turnState.get(UNDERSTOOD) as Understanding | undefined;
    if (known) return known;
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '') : '';
    const understanding = this.recogniser.recognise(text, this.options.clock?.() ?? new Date());
    context.turnState.set(UNDERSTOOD, understanding);
    return understanding;
  }

  /**
   * The urgent dialog to begin for this message, if it names an urgent topic: first in the
   * turn, before any job or menu. A message to the urgent dialog about its own topic (the
   * answer to "is it safe to call you?") is that dialog's to read.
   */
  private async urgentInterruption(
    context: TurnContext,
    active: string | undefined,
  ): Promise<{ dialog: string; options: { topic: string } } | undefined> {
    const urgent = this.options.urgent;
    if (!urgent || context.activity.type !== ActivityTypes.Message) return undefined;
    const topic = urgent.topics.topicIn(context.activity.text);
    if (!topic) return undefined;
    const memory = await this.memory.get(context, { misunderstandings: 0 });
    if (active === urgent.dialog.id && memory.urgentTopic === topic.id) return undefined;
    memory.urgentTopic = topic.id;
    memory.misunderstandings = 0;
    return { dialog: urgent.dialog.id, options: { topic: topic.id } };
  }

  private async route(step: WaterfallStepContext) {
    const context = step.context;
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '') : '';
    const urgent = await this.urgentInterruption(context, undefined);
    if (urgent) return step.beginDialog(urgent.dialog, urgent.options);
    const understanding = this.understand(context);
    this.options.onUnderstood?.(understanding);
    const memory = await this.memory.get(context, { misunderstandings: 0 });

    const command = interruptionIn(text);
    if (command === 'help') return this.answer(step, memory, 'help');
    if (command === 'menu' || command === 'restart' || command === 'cancel') return this.answer(step, memory, 'menu');

    const menu = this.messages.menuFor(text);
    if (menu) return this.answer(step, memory, menu);

    const { words, signposts } = this.options;
    const followsUp =
      understanding.intent === 'None' && memory.lastJob && this.followUps.get(memory.lastJob)?.(understanding);
    const inContext = this.inContext.find(([, asks]) => asks(text, context))?.[0];
    const job = inContext ?? this.dialogByIntent.get(understanding.intent) ?? (followsUp ? memory.lastJob : undefined);
    memory.lastJob = job;
    const language = words?.languageOf(text);
    if (language) return this.answer(step, memory, dataMessageId(`language.${language}`));
    if (words?.isFrustrated(text, Boolean(job) && understanding.intent !== 'agent.request'))
      return this.frustrated(step, memory);
    const signpost = signposts?.signpostIn(text);
    if (signpost) {
      jobCompleted(context, 'signpost_given');
      return this.answer(step, memory, dataMessageId(`signpost.${signpost.id}`), { url: signpost.url });
    }
    // A job asks for the address itself and says so when it is not ours; anything else with a
    // postcode from elsewhere ("I'm in OX1 1AA") is for another council.
    const postcode = entityOf(understanding, 'postcode')?.value;
    if (!job && postcode && this.options.coversPostcode && !(await this.options.coversPostcode(postcode))) {
      jobCompleted(context, 'signpost_given');
      return this.answer(step, memory, 'signpost.otherCouncil', { postcode });
    }

    if (job) {
      memory.misunderstandings = 0;
      return step.beginDialog(job, { understanding } satisfies JobOptions);
    }
    switch (understanding.intent) {
      case 'smalltalk.greeting':
        return this.answer(step, memory, 'greeting');
      case 'smalltalk.thanks':
        return this.answer(step, memory, 'thanks');
      case 'smalltalk.goodbye':
        return this.answer(step, memory, 'goodbye');
      case 'help':
        return this.answer(step, memory, 'help');
      case 'None':
        return this.notOurs(step, memory, text);
      default:
        // A job we recognise but this council has not switched on: say how else to get it done.
        return this.answer(step, memory, 'notYetAvailable');
    }
  }

  private async answer(step: WaterfallStepContext, memory: MainMemory, id: MessageId, values?: Record<string, string>) {
    memory.misunderstandings = 0;
    await say(step.context, this.messages, id, values);
    return step.endDialog();
  }

  /**
   * Something the assistant does not do and no signpost names: chat ("lol", "who are you")
   * gets a kind answer and never counts towards a handoff, so small talk cannot end in a
   * callback; anything else is misunderstood.
   */
  private async notOurs(step: WaterfallStepContext, memory: MainMemory, text: string) {
    if (this.options.words?.isSmallTalk(text)) return this.answer(step, memory, 'smallTalk');
    return this.misunderstood(step, memory);
  }

  /** Had enough ("useless", "rubbish bot"): an apology and a person at once, not another try. */
  private async frustrated(step: WaterfallStepContext, memory: MainMemory) {
    memory.misunderstandings = 0;
    const person = this.dialogByIntent.get('agent.request');
    if (!person) {
      await say(step.context, this.messages, 'frustratedNoPerson');
      return step.endDialog();
    }
    await say(step.context, this.messages, 'frustrated');
    return step.beginDialog(person, { reason: 'frustrated', priority: 'normal', topic: 'Resident frustrated' });
  }

  private async misunderstood(step: WaterfallStepContext, memory: MainMemory) {
    memory.misunderstandings += 1;
    if (memory.misunderstandings < MISUNDERSTANDINGS_BEFORE_PERSON) {
      notUnderstood(step.context, 'asked_again');
      await say(step.context, this.messages, 'notUnderstood');
      return step.endDialog();
    }
    memory.misunderstandings = 0;
    // Twice in a row: a person, where the council has the handoff switched on; otherwise how
    // to reach one.
    const person = this.dialogByIntent.get('agent.request');
    notUnderstood(step.context, person ? 'handed_over' : 'offered_person');
    if (!person) {
      await say(step.context, this.messages, 'notUnderstoodAgain');
      return step.endDialog();
    }
    await say(step.context, this.messages, 'notUnderstoodHandoff');
    return step.beginDialog(person, { reason: 'misunderstood', priority: 'normal', topic: 'Not understood twice' });
  }
}

/** What this turn's message was understood as, once MainDialog has read it. */
export function understoodThisTurn(context: TurnContext): Understanding | undefined {
  return context.turnState.get(UNDERSTOOD) as Understanding | undefined;
}

/**
 * What a job ends with when the message it was waiting on is a new question rather than an
 * answer ("I live on my own now" where one of the choices was expected): MainDialog
 * understands that message afresh, as if no job had been in progress.
 */
export const NEW_QUESTION = 'main.newQuestion';

/** What MainDialog passes to a job dialog it begins. */
export interface JobOptions {
  understanding: Understanding;
}
