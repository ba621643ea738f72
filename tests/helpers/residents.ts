/**
 * Residents talking to the whole assistant, one per channel, with the same `say()` so that a
 * conversation table can be run on the web and by SMS alike. The web resident
 * uses Direct Line like Web Chat; the SMS resident sends webhooks signed with the real twilio
 * library and reads what the assistant sent through the local fake of Twilio's REST API.
 */
import twilio from 'twilio';
import { startTestAssistant, type TestAssistant } from './assistant.js';
import { openConversation } from './directLineRest.js';
import { startFakeTwilio, type FakeTwilio } from './fakeTwilio.js';
import type { TestDatabase } from './databases.js';

export const TEST_TWILIO = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  councilNumber: '+447700900000',
  publicBaseUrl: 'https://assistant.demoford.example',
};

export interface Resident {
  channel: 'web' | 'sms';
  /** Sends one message; resolves with the assistant's replies to it, in order. */
  say(text: string): Promise<string[]>;
}

export interface TestCouncil {
  assistant: TestAssistant;
  fakeTwilio: FakeTwilio;
  webResident(): Promise<Resident & { welcome: string[] }>;
  smsResident(number?: string): Resident;
  close(): Promise<void>;
}

let residentCounter = 100;
let sidCounter = 0;

/**
 * Texts the assistant as Twilio would (a webhook signed with the real twilio library) and
 * returns what it sent back to that number through the fake Twilio REST API.
 */
export async function sendSignedSms(
  baseUrl: string,
  fakeTwilio: FakeTwilio,
  number: string,
  text: string,
): Promise<string[]> {
  const before = fakeTwilio.sentTo(number).length;
  sidCounter += 1;
  const params: Record<string, string> = {
    MessageSid: `SM${(Date.now() * 1000 + sidCounter).toString(16).padStart(32, '0')}`,
    AccountSid: TEST_TWILIO.accountSid,
    From: number,
    To: TEST_TWILIO.councilNumber,
    Body: text,
    NumMedia: '0',
  };
  const path = '/api/sms/twilio';
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(
        TEST_TWILIO.authToken,
        TEST_TWILIO.publicBaseUrl + path,
        params,
      ),
    },
    body: new URLSearchParams(params).toString(),
  });
  if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
  return fakeTwilio
    .sentTo(number)
    .slice(before)
    .map((m) => m.body);
}

export async function startTestCouncil(
  env: Record<string, string> = {},
  database?: TestDatabase,
  clock?: () => Date,
): Promise<TestCouncil> {
  const fakeTwilio = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
  const assistant = await startTestAssistant(
    {
      TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber,
      PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl,
      TWILIO_API_BASE_URL: fakeTwilio.url,
      ...env,
    },
    database,
    clock,
  );

  return {
    assistant,
    fakeTwilio,
    async webResident() {
      const conversation = await openConversation(assistant.url);
      const welcome = (await conversation.botMessages()).map((a) => a.text ?? '');
      return { channel: 'web', welcome, say: (text) => conversation.say(text) };
    },
    smsResident(number = `+447700900${String(residentCounter++).padStart(3, '0')}`) {
      return {
        channel: 'sms',
        say: (text: string) => sendSignedSms(assistant.url, fakeTwilio, number, text),
      };
    },
    async close() {
      await assistant.close();
      await fakeTwilio.close();
    },
  };
}

/**
 * A resident ready to ask their first question: on the web a new chat; by SMS a number that has
 * already said hello, so the welcome a first text gets is not in the replies a test checks.
 */
export async function greetedResident(
  council: TestCouncil,
  channel: 'web' | 'sms',
  number?: string,
): Promise<Resident> {
  if (channel === 'web') return council.webResident();
  const sms = council.smsResident(number);
  await sms.say('hi');
  return sms;
}
