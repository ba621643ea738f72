/**
 * Intent recognition benchmark (not a timed test): model load time, utterances per second for
 * classify only and for the full recognise (intent + entities) on one core, and memory.
 *   npm run bench:intents
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BLIND_2026_11,
  BLIND_UK_OOD,
  loadBlindInScope,
  loadBlindNone,
  loadCorpus,
  loadHeldoutNone,
} from '../intents/corpus.js';
import { readModel, DEFAULT_MODEL_PATH } from '../intents/model/file.js';
import { CouncilRecognizer } from '../intents/recogniser.js';

const MIN_MS = 2000;

function rate(label: string, texts: string[], run: (text: string) => unknown): void {
  // Warm up caches and the JIT first, as a running server would be.
  for (const t of texts) run(t);
  let done = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (const t of texts) run(t);
    done += texts.length;
    elapsed = performance.now() - start;
  }
  // Wall time says what this machine gave us; CPU time what one core delivers when it is not
  // shared (on a busy machine the two differ by the share other processes took).
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const perSecond = (ms: number): string => Math.round((done / ms) * 1000).toLocaleString('en-GB');
  process.stdout.write(
    `${label.padEnd(34)} ${perSecond(elapsed)} utterances/s (${done} in ${elapsed.toFixed(0)} ms); ${perSecond(cpuMs)} per CPU-second\n`,
  );
}

const first = performance.now();
await CouncilRecognizer.load();
process.stdout.write(`first load (trains if stale)       ${(performance.now() - first).toFixed(1)} ms\n`);

const startRead = performance.now();
readModel(DEFAULT_MODEL_PATH);
process.stdout.write(`model file read + decode             ${(performance.now() - startRead).toFixed(1)} ms\n`);
const startLoad = performance.now();
const recogniser = await CouncilRecognizer.load();
process.stdout.write(`CouncilRecognizer.load (cached)      ${(performance.now() - startLoad).toFixed(1)} ms\n`);

// Realistic traffic: the corpus, the held-out sets, and messages with details in them.
const texts = [
  ...loadCorpus().map((e) => e.text),
  ...loadHeldoutNone('calibration').map((e) => e.text),
  ...loadHeldoutNone('test').map((e) => e.text),
  ...loadBlindInScope().map((e) => e.text),
  ...loadBlindInScope(BLIND_2026_11.inScope).map((e) => e.text),
  ...loadBlindNone().map((e) => e.text),
  ...loadBlindInScope(BLIND_UK_OOD.inScope).map((e) => e.text),
  ...loadBlindNone(BLIND_UK_OOD.none).map((e) => e.text),
  'wen is bin colection for 14 mill lane DF2 4QT',
  'book a van permit for AB12 CDE next saturday morning',
  'cancel TP-123456 and call me on 07700 900123',
  'account 50001234 how much do i owe',
];
process.stdout.write(
  `workload: ${texts.length} distinct utterances, mean ${Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length)} characters\n`,
);
rate('classify (intent only)', texts, (t) => recogniser.classify(t));
rate('recognise (intent + entities)', texts, (t) => recogniser.recognise(t));
const long = 'x'.repeat(5000);
rate('recognise, 5,000-character input', [long, `${'please help '.repeat(420)}bin day`], (t) =>
  recogniser.recognise(t),
);
const memory = process.memoryUsage();
process.stdout.write(
  `load average (1, 5, 15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} on ${availableParallelism()} cores\n`,
);
process.stdout.write(
  `memory: heap used ${(memory.heapUsed / 1048576).toFixed(1)} MB, RSS ${(memory.rss / 1048576).toFixed(1)} MB\n`,
);
