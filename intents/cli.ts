/**
 * npm run --silent intents -- classify   stdin: one utterance per line; stdout: one JSON per line
 * npm run intents -- train               (re)build the cached model
 * npm run intents -- eval [--blind-misses]   figures on held-out and blind sets
 *
 * Every command reads the assistant's own settings (.env and the environment, checked as the
 * server checks them), so it uses the model the server uses: INTENT_MODEL_PATH, trained with the
 * council's own lines from COUNCIL_DATA_DIR/intents. `--model <file>` and `--council-data <dir>`
 * override them for one run.
 *
 * stdout carries only results: diagnostics go to stderr, and natural is loaded by file (see
 * nlp/natural.ts) so its dotenv never reads a .env here or prints.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { evaluate } from './evaluate.js';
import { ConfigError, loadConfig, type Config } from '../bot/config.js';
import { writeModel } from './model/file.js';
import { CouncilRecognizer } from './recogniser.js';
import { trainModel } from './train.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The server's settings; a wrong one stops the command with the message the server would give. */
function assistantSettings(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
const settings = assistantSettings();

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The council data folder whose intents/ lines join the corpus (`--council-data`, else COUNCIL_DATA_DIR). */
function councilCorpusDir(): string {
  return join(resolve(option('--council-data') ?? settings.COUNCIL_DATA_DIR), 'intents');
}

/** Where the trained model is cached (`--model`, else INTENT_MODEL_PATH). */
function modelPath(): string {
  return resolve(option('--model') ?? settings.INTENT_MODEL_PATH);
}

async function classify(): Promise<void> {
  const recogniser = await CouncilRecognizer.load({ modelPath: modelPath(), councilCorpusDir: councilCorpusDir() });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const r = recogniser.recognise(line);
    process.stdout.write(
      `${JSON.stringify({ text: r.text, intent: r.intent, score: Number(r.score.toFixed(4)), entities: r.entities })}\n`,
    );
  }
}

async function evalCommand(): Promise<void> {
  const showBlindMisses = process.argv.includes('--blind-misses');
  const recogniser = await CouncilRecognizer.load({ modelPath: modelPath(), councilCorpusDir: councilCorpusDir() });
  const e = evaluate(recogniser);
  const out: string[] = [];
  out.push(`Held-out evaluation (never trained or tuned on)`);
  out.push(
    `  in-scope test utterances ${e.counts.inScope}; None: ${e.counts.noneSplit} from the split + ${e.counts.noneUnseenTopics} from none-test.txt`,
  );
  out.push(`  decision: threshold ${e.decision.threshold}, margin ${e.decision.margin}`);
  out.push(
    `  in-scope accuracy      ${pct(e.inScopeAccuracy)}  (wrong intent ${pct(e.inScopeWrongIntent)}, sent to None ${pct(e.inScopeRejected)})`,
  );
  out.push(
    `  None recall            ${pct(e.noneRecall)}  (split ${pct(e.noneRecallSplit)}, none-test.txt ${pct(e.noneRecallUnseenTopics)})`,
  );
  out.push(`  None precision         ${pct(e.nonePrecision)}`);
  out.push(`  false-accept rate      ${pct(e.falseAcceptRate)}`);
  out.push(`  AUROC in-scope vs None ${e.auroc.toFixed(3)}`);
  out.push(
    `  blind in-scope set     ${pct(e.blind.accuracy)} of ${e.blind.count} (sent to None ${pct(e.blind.rejected)}; ${e.blind.duplicatesOfTraining} lines skipped as already in training)`,
  );
  for (const b of e.blindPairs) {
    out.push(
      `  ${`${b.name} in-scope`.padEnd(22)} ${pct(b.inScope.accuracy)} of ${b.inScope.count} (wrong intent ${pct(b.inScope.wrongIntent)}, sent to None ${pct(b.inScope.rejected)}; ${b.inScope.duplicatesOfTraining} skipped as in training)`,
    );
    out.push(
      `  ${`${b.name} None`.padEnd(22)} recall ${pct(b.none.recall)} of ${b.none.count}, false-accept ${pct(1 - b.none.recall)}; AUROC ${b.auroc.toFixed(3)}; ${b.none.duplicatesOfTraining} skipped as in training`,
    );
    for (const s of b.none.bySection)
      out.push(`      false-accept ${`${s.section}:`.padEnd(12)} ${pct(1 - s.recall).padStart(6)} of ${s.count}`);
  }
  out.push('');
  out.push(`  ${'intent'.padEnd(22)} ${'n'.padStart(4)} ${'precision'.padStart(10)} ${'recall'.padStart(8)}`);
  for (const f of e.perIntent)
    out.push(
      `  ${f.intent.padEnd(22)} ${String(f.support).padStart(4)} ${pct(f.precision).padStart(10)} ${pct(f.recall).padStart(8)}`,
    );
  out.push('');
  out.push('  worst confusions (gold -> predicted):');
  for (const c of e.confusions)
    out.push(
      `  ${String(c.count).padStart(3)}  ${c.gold} -> ${c.predicted}: ${c.examples.map((x) => JSON.stringify(x)).join(', ')}`,
    );
  // Blind-set misses are shown only on request: reading them while tuning would make the blind
  // sets stop being blind. Whoever prints them says so.
  if (showBlindMisses) {
    out.push('');
    out.push('  blind set misses:');
    for (const miss of e.blind.misses) out.push(`    ${miss}`);
    for (const b of e.blindPairs) {
      out.push('');
      out.push(`  ${b.name} misses:`);
      for (const miss of b.misses) out.push(`    ${miss}`);
    }
  } else {
    out.push('');
    out.push(
      '  (blind-set misses hidden; `npm run intents -- eval --blind-misses` prints them: read them only to report, never to tune)',
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function train(): void {
  const started = Date.now();
  const model = trainModel(councilCorpusDir());
  const path = modelPath();
  writeModel(path, model);
  const c = model.calibration;
  process.stdout.write(
    `trained in ${Date.now() - started} ms: ${model.data.features.length} features; threshold ${c.threshold}, margin ${c.margin} ` +
      `(calibration: in-scope ${pct(c.inScopeAccuracy)}, None recall ${pct(c.noneRecall)}) -> ${path}\n`,
  );
}

const command = process.argv[2];
const commands: Record<string, () => Promise<void> | void> = { classify, eval: evalCommand, train };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write('usage: npm run intents -- classify|eval|train\n');
  process.exit(2);
}
await run();
