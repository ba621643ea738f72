import { loadCorpus, loadHeldoutNone, split } from './intents/corpus.js';
import { CouncilRecognizer } from './intents/recogniser.js';
const r = await CouncilRecognizer.load();
const { test } = split(loadCorpus());
for (const e of [...test, ...loadHeldoutNone('test')]) {
  const c = r.classify(e.text);
  if (c.intent.intent !== e.intent) console.log(`${e.intent} -> ${c.intent.intent} (${c.intents.map((i) => `${i.intent} ${i.score.toFixed(2)}`).join(', ')}): ${e.text}`);
}
