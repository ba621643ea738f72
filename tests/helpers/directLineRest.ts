/**
 * A resident talking to the assistant over Direct Line 3.0 REST, the way Web Chat does in
 * polling mode. The POST returns once the turn has run, so reading after it yields the replies.
 */
import type { Activity } from 'botbuilder';

export interface RestConversation {
  conversationId: string;
  token: string;
  /** Sends a message and returns the texts of the bot's replies to it. */
  say(text: string): Promise<string[]>;
  /** Every bot message so far. */
  botMessages(): Promise<Partial<Activity>[]>;
}

/** `locale` is what the resident's browser says (Web Chat sends it with every message). */
export async function openConversation(
  baseUrl: string,
  resume?: { conversationId: string; token: string },
  locale = 'en-GB',
): Promise<RestConversation> {
  let token: string;
  let conversationId: string;
  if (resume) {
    ({ token, conversationId } = resume);
  } else {
    const minted = (await (await fetch(`${baseUrl}/demo/token`, { method: 'POST' })).json()) as {
      token: string;
      conversationId: string;
    };
    token = minted.token;
    const started = await fetch(`${baseUrl}/v3/directline/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!started.ok) throw new Error(`start conversation: ${started.status}`);
    conversationId = ((await started.json()) as { conversationId: string }).conversationId;
  }
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

  // Pages of at most 100 come back; follow the watermark to the end like Web Chat does.
  const activitiesAfter = async (
    watermark: string | undefined,
  ): Promise<{ activities: Partial<Activity>[]; watermark?: string }> => {
    const collected: Partial<Activity>[] = [];
    let mark = watermark;
    for (;;) {
      const query = mark === undefined ? '' : `?watermark=${mark}`;
      const response = await fetch(`${baseUrl}/v3/directline/conversations/${conversationId}/activities${query}`, {
        headers,
      });
      if (!response.ok) throw new Error(`get activities: ${response.status}`);
      const page = (await response.json()) as { activities: Partial<Activity>[]; watermark?: string };
      collected.push(...page.activities);
      if (page.activities.length === 0 || page.watermark === mark)
        return { activities: collected, watermark: page.watermark ?? mark };
      mark = page.watermark;
    }
  };
  const allActivities = async () => (await activitiesAfter(undefined)).activities;

  return {
    conversationId,
    token,
    async say(text: string) {
      const { watermark } = await activitiesAfter(undefined);
      const posted = await fetch(`${baseUrl}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'message', text, from: { id: 'resident' }, locale }),
      });
      if (!posted.ok) throw new Error(`post activity: ${posted.status}`);
      const after = (await activitiesAfter(watermark)).activities;
      // Buttons are part of what the resident sees: they follow the text as "[label]" lines.
      return after
        .filter((a) => a.type === 'message' && a.from?.role !== 'user' && a.text)
        .map((a) =>
          [a.text ?? '', ...(a.suggestedActions?.actions ?? []).map((action) => `[${action.title}]`)].join('\n'),
        );
    },
    async botMessages() {
      return (await allActivities()).filter((a) => a.type === 'message' && a.from?.role !== 'user');
    },
  };
}
