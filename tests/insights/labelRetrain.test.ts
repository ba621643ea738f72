/**
 * The inbox closes the loop: a message the assistant did not understand is labelled by a
 * supervisor, exported as corpus lines, added to the council's data folder, and after
 * retraining the assistant understands it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, startHandoffCouncil, type HandoffCouncil } from '../handoff/harness.js';
import { CouncilRecognizer } from '../../intents/recogniser.js';

const MISSED = 'the bin lorry drove straight past us again';
const OUT_OF_SCOPE = 'can you recommend a good plumber';
let council: HandoffCouncil;
let supervisor: AgentClient;

beforeAll(async () => {
  council = await startHandoffCouncil({ env: { DEMO_SUPERVISOR_PASSWORD: 'supervisor password 123' } });
  supervisor = new AgentClient(council.url);
  expect((await supervisor.signIn('demo-supervisor', 'supervisor password 123')).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('a labelled message', () => {
  it('is exported as a corpus line that changes the classification after retraining', async () => {
    const resident = await council.web();
    await resident.say(MISSED);
    await resident.say(OUT_OF_SCOPE);
    const inbox = await supervisor.json<{ entries: { id: number; text: string; guess: string }[]; intents: string[] }>(
      '/insights/inbox?from=2026-11-23&to=2026-11-23',
    );
    const missed = inbox.entries.find((e) => e.text === MISSED);
    const plumber = inbox.entries.find((e) => e.text === OUT_OF_SCOPE);
    expect(missed?.guess).toBe('None');
    expect(inbox.intents).toContain('bins.missed');

    expect((await supervisor.post(`/insights/inbox/${missed?.id}/label`, { intent: 'bins.missed' })).status).toBe(200);
    expect(
      (await supervisor.post(`/insights/inbox/${plumber?.id}/label`, { signpost: 'Trusted trader scheme' })).status,
    ).toBe(200);
    // A label outside the taxonomy, or for a message that is not there, is refused.
    expect((await supervisor.post(`/insights/inbox/${missed?.id}/label`, { intent: 'bins.emptied' })).status).toBe(400);
    expect((await supervisor.post('/insights/inbox/999999/label', { intent: 'bins.missed' })).status).toBe(404);
    // Without the CSRF token a label is refused.
    const forged = await fetch(`${council.url}/agent/api/insights/inbox/${missed?.id}/label`, {
      method: 'POST',
      headers: { Cookie: supervisor.cookieHeader, 'Content-Type': 'application/json' },
      body: JSON.stringify({ intent: 'None' }),
    });
    expect(forged.status).toBe(403);

    const exported = await (await supervisor.get('/insights/labels.txt')).text();
    expect(exported).toContain(`# file: bins.missed.txt\n${MISSED}\n`);
    expect(exported).toContain(`# Trusted trader scheme: ${OUT_OF_SCOPE}`);

    // The council adds each section to the file it names in its data folder's intents/.
    const dataDir = mkdtempSync(join(tmpdir(), 'council-labels-'));
    const corpusDir = join(dataDir, 'intents');
    mkdirSync(corpusDir);
    for (const section of exported.split(/^# file: /m).slice(1)) {
      const [file = '', ...lines] = section.split('\n');
      writeFileSync(join(corpusDir, file.trim()), `${lines.join('\n')}\n`);
    }
    const shipped = await CouncilRecognizer.load();
    const retrained = await CouncilRecognizer.load({
      modelPath: join(dataDir, 'model.json'),
      councilCorpusDir: corpusDir,
    });
    expect(shipped.recognise(MISSED).intent).toBe('None');
    expect(retrained.trainedOnLoad).toBe(true);
    expect(retrained.recognise(MISSED).intent).toBe('bins.missed');
    expect(retrained.recognise('when is my bin day').intent).toBe('bins.next_collection');
  }, 300_000);
});
