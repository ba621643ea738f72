/**
 * What the dialogs need from intent recognition: the intent with its score and the details
 * (entities) already in the message. intents/ provides the implementation; dialogs depend only
 * on this shape so a council can swap in another recogniser (CLU, a hosted model) unchanged.
 */
export interface UnderstoodEntity {
  type: string;
  text: string;
  [detail: string]: unknown;
}

export interface Understanding {
  text: string;
  intent: string;
  score: number;
  entities: UnderstoodEntity[];
}

export interface IntentRecogniser {
  recognise(text: string, now?: Date): Understanding;
}
