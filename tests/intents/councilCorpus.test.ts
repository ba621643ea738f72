import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCouncilCorpus, withCouncilAdditions } from '../../intents/corpus.js';
import { CouncilRecognizer } from '../../intents/recogniser.js';
import { fingerprint } from '../../intents/train.js';

// A council adds its own site names in its data folder; nobody edits intents/.
const dataDir = mkdtempSync(join(tmpdir(), 'council-words-'));
const councilCorpusDir = join(dataDir, 'intents');
const modelPath = join(dataDir, 'model.json');
const SITE_LINES = [
  '# Our tip is called Bramblecote by everyone here',
  'is bramblecote open today',
  'bramblecote opening hours',
  'what time does bramblecote shut on sunday',
  'can i take a fridge to bramblecote',
  'where is bramblecote',
];

let shipped: CouncilRecognizer;
let council: CouncilRecognizer;

beforeAll(async () => {
  mkdirSync(councilCorpusDir);
  writeFileSync(join(councilCorpusDir, 'tip.site_info.txt'), `${SITE_LINES.join('\n')}\n`);
  // A local name for the council's own waste service, filed under bins.next_collection.
  writeFileSync(
    join(councilCorpusDir, 'bins.next_collection.local.txt'),
    'when do the greenwise lads come\ngreenwise day for my street\n',
  );
  shipped = await CouncilRecognizer.load();
  council = await CouncilRecognizer.load({ modelPath, councilCorpusDir });
}, 600_000);

describe("a council's own corpus lines", () => {
  it('teach the assistant local names after retraining, which the shipped model does not know', () => {
    const question = 'what time does bramblecote close tomorrow';
    expect(shipped.recognise(question).intent).not.toBe('tip.site_info');
    expect(council.trainedOnLoad).toBe(true);
    expect(council.recognise(question).intent).toBe('tip.site_info');
    expect(council.recognise('is it greenwise day tomorrow').intent).toBe('bins.next_collection');
  });

  it('keep everything the shipped corpus knows', () => {
    expect(council.recognise('when is my bin day').intent).toBe('bins.next_collection');
    expect(council.recognise('what is the capital of france').intent).toBe('None');
  });

  it('are not retrained while unchanged, and retrained when a line changes', async () => {
    const again = await CouncilRecognizer.load({ modelPath, councilCorpusDir });
    expect(again.trainedOnLoad).toBe(false);
    const before = fingerprint(councilCorpusDir);
    writeFileSync(
      join(councilCorpusDir, 'tip.site_info.txt'),
      `${[...SITE_LINES, 'bramblecote bank holiday hours'].join('\n')}\n`,
    );
    expect(fingerprint(councilCorpusDir)).not.toBe(before);
    expect(fingerprint(join(dataDir, 'no-such-folder'))).toBe(fingerprint());
  });

  it('win over the shipped corpus where the council files a line elsewhere', () => {
    const train = [
      { text: 'when is the tip open', intent: 'tip.site_info' as const },
      { text: 'bin day', intent: 'bins.next_collection' as const },
    ];
    const merged = withCouncilAdditions(train, [
      { text: 'When is the tip open', intent: 'agent.request', trainOnly: true },
    ]);
    expect(merged.filter((e) => e.text.toLowerCase() === 'when is the tip open').map((e) => e.intent)).toEqual([
      'agent.request',
    ]);
    expect(merged).toHaveLength(2);
  });

  it('are refused with a clear message when a file names no intent', () => {
    const bad = mkdtempSync(join(tmpdir(), 'council-words-bad-'));
    writeFileSync(join(bad, 'tip.opening.txt'), 'is the tip open\n');
    expect(() => loadCouncilCorpus(bad)).toThrow(/tip\.opening\.txt: the file name must be an intent/);
  });
});
