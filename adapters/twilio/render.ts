/**
 * An outgoing activity as an SMS: plain text (markdown stripped, links as "text url"), the
 * choices a screen would show as buttons listed as numbered lines, cards reduced to their
 * words. The dialogs already write short SMS versions; this makes whatever arrives sendable.
 */
import { ActivityTypes, type Activity, type CardAction } from 'botbuilder';
import { z } from 'zod';

export interface Choice {
  /** What the resident reads after the number. */
  label: string;
  /** What the bot receives when the resident texts the number. */
  value: string;
}

export interface RenderedSms {
  text: string;
  choices: Choice[];
}

const CHOICE_ACTIONS = new Set(['imBack', 'postBack', 'messageBack']);

const cardActionSchema = z.object({
  type: z.string(),
  title: z.string().optional(),
  value: z.unknown().optional(),
  text: z.string().optional(),
  displayText: z.string().optional(),
});

const heroCardSchema = z.object({
  title: z.string().optional(),
  subtitle: z.string().optional(),
  text: z.string().optional(),
  buttons: z.array(cardActionSchema).optional(),
});

const CARD_TYPES = new Set(['application/vnd.microsoft.card.hero', 'application/vnd.microsoft.card.thumbnail']);

/** Markdown a dialog (or an agent) might use, as plain text. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => (alt ? `${alt} ${url}` : url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => {
      const bareUrl = url.replace(/^mailto:|^tel:/, '');
      return label.trim() === bareUrl ? bareUrl : `${label} ${bareUrl}`;
    })
    .replace(/<((?:https?|mailto|tel):[^>\s]+)>/g, '$1')
    .replace(/```[a-z]*\n?([\s\S]*?)```/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1$2')
    .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2')
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^\s*[*+•]\s+/gm, '- ')
    .replace(/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/gm, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function choiceOf(action: z.infer<typeof cardActionSchema>): Choice | undefined {
  if (!CHOICE_ACTIONS.has(action.type)) return undefined;
  const label = action.title ?? action.displayText ?? (typeof action.value === 'string' ? action.value : undefined);
  if (!label) return undefined;
  const value = typeof action.value === 'string' ? action.value : (action.text ?? label);
  return { label, value };
}

/** Buttons that are links or calls are written out, since SMS has no buttons to tap. */
function linkLineOf(action: z.infer<typeof cardActionSchema>): string | undefined {
  if ((action.type === 'openUrl' || action.type === 'call') && typeof action.value === 'string') {
    const target = action.value.replace(/^tel:/, '');
    return action.title ? `${action.title}: ${target}` : target;
  }
  return undefined;
}

function fromActions(
  actions: CardAction[] | z.infer<typeof cardActionSchema>[],
  lines: string[],
  choices: Choice[],
): void {
  for (const raw of actions) {
    const action = cardActionSchema.safeParse(raw);
    if (!action.success) continue;
    const choice = choiceOf(action.data);
    if (choice) choices.push(choice);
    const link = linkLineOf(action.data);
    if (link) lines.push(link);
  }
}

/** Renders one activity; undefined when there is nothing a resident should receive. */
export function renderActivity(activity: Partial<Activity>): RenderedSms | undefined {
  if (activity.type !== undefined && activity.type !== ActivityTypes.Message) return undefined;
  const lines: string[] = [];
  const choices: Choice[] = [];
  if (activity.text) lines.push(stripMarkdown(activity.text));

  for (const attachment of activity.attachments ?? []) {
    if (!CARD_TYPES.has(attachment.contentType)) continue;
    const card = heroCardSchema.safeParse(attachment.content);
    if (!card.success) continue;
    for (const part of [card.data.title, card.data.subtitle, card.data.text]) {
      if (part) lines.push(stripMarkdown(part));
    }
    fromActions(card.data.buttons ?? [], lines, choices);
  }
  fromActions(activity.suggestedActions?.actions ?? [], lines, choices);

  const numbered = choices.map((choice, index) => `${index + 1}. ${choice.label}`);
  const text = [...lines, ...numbered].filter(Boolean).join('\n').trim();
  if (!text) return undefined;
  return { text, choices };
}

/** A resident's "2" (or "2." / "(2)") as the second choice last offered. */
export function choiceForReply(text: string, choices: Choice[]): Choice | undefined {
  const match = /^\s*\(?(\d{1,2})[.)]?\s*$/.exec(text);
  if (!match?.[1]) return undefined;
  return choices[Number(match[1]) - 1];
}
