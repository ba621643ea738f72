/**
 * The training corpus: one file per intent in corpus/<intent>.txt, one utterance per line,
 * `#` lines are comments. Validated at load (known intent names, no empty or over-long lines,
 * enough examples). The held-out split is fixed by a hash of the utterance, so an utterance is
 * in the test set forever, whoever trains, whatever else is added.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { INTENT_NAMES, type IntentName } from './types.js';

export const CORPUS_DIR = new URL('./corpus/', import.meta.url);
export const HELDOUT_DIR = new URL('./corpus/heldout/', import.meta.url);
/** Share of each intent's utterances kept for testing, never seen in training or tuning. */
export const TEST_SHARE = 0.2;
export const MIN_PER_INTENT = 40;

export interface Example {
  text: string;
  intent: IntentName;
  /** From a generated file (or a council's additions): always trained on, never in the test split. */
  trainOnly?: boolean;
  /** Made by intents/tools/generate.ts from templates (trainOnly too). */
  generated?: boolean;
}

/** Files made by intents/tools/generate.ts from corpus/sources/. */
export const GENERATED_SUFFIX = '.generated.txt';

const Utterance = z.string().trim().min(1).max(500);
const IntentFile = z.object({
  intent: z.enum(INTENT_NAMES),
  utterances: z.array(Utterance).min(MIN_PER_INTENT),
});

function lines(path: URL): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The intent a corpus file adds to: `<intent>.txt`, or `<intent>.<part>.txt` for a large or
 * generated part kept apart (None.assistant.txt). Null for a file that names no intent.
 */
export function intentOfFile(file: string): IntentName | null {
  const base = file.replace(/\.txt$/, '');
  let found: IntentName | null = null;
  for (const intent of INTENT_NAMES) {
    if ((base === intent || base.startsWith(`${intent}.`)) && (!found || intent.length > found.length)) found = intent;
  }
  return found;
}

function corpusFiles(dir: URL): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

export function loadCorpus(dir: URL = CORPUS_DIR): Example[] {
  const files = corpusFiles(dir);
  const byIntent = new Map<IntentName, { text: string; trainOnly: boolean }[]>();
  for (const file of files) {
    const intent = intentOfFile(file);
    if (!intent) throw new Error(`intents corpus: ${file} names no intent of the taxonomy`);
    const utterances = z.array(Utterance).safeParse(lines(new URL(file, dir)));
    if (!utterances.success) throw new Error(`intents corpus ${file}: ${z.prettifyError(utterances.error)}`);
    const trainOnly = file.endsWith(GENERATED_SUFFIX);
    byIntent.set(intent, [...(byIntent.get(intent) ?? []), ...utterances.data.map((text) => ({ text, trainOnly }))]);
  }
  const seen = new Map<string, IntentName>();
  const examples: Example[] = [];
  for (const intent of INTENT_NAMES) {
    const utterances = byIntent.get(intent) ?? [];
    // Enough hand-written examples: generated lines alone do not make an intent.
    const parsed = IntentFile.safeParse({
      intent,
      utterances: utterances.filter((u) => !u.trainOnly).map((u) => u.text),
    });
    if (!parsed.success) throw new Error(`intents corpus ${intent}: ${z.prettifyError(parsed.error)}`);
    for (const { text, trainOnly } of utterances) {
      const key = text.toLowerCase();
      const other = seen.get(key);
      // The same words under two intents would teach the model to guess.
      if (other && other !== intent) throw new Error(`intents corpus: "${text}" is in ${other} and ${intent}`);
      if (other) continue;
      seen.set(key, intent);
      examples.push(trainOnly ? { text, intent, trainOnly, generated: true } : { text, intent });
    }
  }
  return examples;
}

/**
 * A council's own words: `<COUNCIL_DATA_DIR>/intents/<intent>.txt` (or `<intent>.<part>.txt`),
 * one message per line, `#` comments: local site and place names, the way its residents put
 * things. No minimum per intent; all are trained on (none held out: a council adds a few).
 * An absent folder means no additions.
 */
export function loadCouncilCorpus(dir: string): Example[] {
  if (!existsSync(dir)) return [];
  const examples: Example[] = [];
  const seen = new Map<string, IntentName>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const intent = intentOfFile(file);
    if (!intent)
      throw new Error(
        `council intents ${join(dir, file)}: the file name must be an intent (${INTENT_NAMES.join(', ')}), optionally followed by .<part>`,
      );
    const utterances = z.array(Utterance).safeParse(lines(pathToFileURL(join(dir, file))));
    if (!utterances.success)
      throw new Error(`council intents ${join(dir, file)}: ${z.prettifyError(utterances.error)}`);
    for (const text of utterances.data) {
      const key = text.toLowerCase();
      const other = seen.get(key);
      if (other && other !== intent) throw new Error(`council intents: "${text}" is in ${other} and ${intent}`);
      if (other) continue;
      seen.set(key, intent);
      examples.push({ text, intent, trainOnly: true });
    }
  }
  return examples;
}

/**
 * The training examples with a council's additions: the council knows what its residents mean,
 * so a line it files under another intent than the shipped corpus does replaces the shipped one.
 */
export function withCouncilAdditions(train: Example[], council: Example[]): Example[] {
  if (council.length === 0) return train;
  const councilIntent = new Map(council.map((e) => [e.text.toLowerCase(), e.intent]));
  const kept = train.filter((e) => !councilIntent.has(e.text.toLowerCase()));
  return [...kept, ...council];
}

/** The bytes of a council's additions, for the model fingerprint. */
export function councilCorpusFingerprintParts(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) => [`council:${f}`, readFileSync(join(dir, f), 'utf8')]);
}

/** Out-of-scope messages on topics absent from None.txt: `calibration` tunes, `test` only evaluates. */
export function loadHeldoutNone(which: 'calibration' | 'test'): Example[] {
  return lines(new URL(`none-${which}.txt`, HELDOUT_DIR)).map((text) => ({ text, intent: 'None' as const }));
}

/**
 * In-scope messages written once, before any tuning against them (corpus/heldout/inscope-test.tsv,
 * "intent<TAB>utterance"): a check on the split's figures, which the corpus was revised against.
 */
export function loadBlindInScope(file = 'inscope-test.tsv'): Example[] {
  return lines(new URL(file, HELDOUT_DIR)).map((line) => {
    const [intent = '', text = ''] = line.split('\t');
    const parsed = z.object({ intent: z.enum(INTENT_NAMES), text: Utterance }).safeParse({ intent, text });
    if (!parsed.success) throw new Error(`${file}: bad line "${line}"`);
    return parsed.data;
  });
}

/** Phrasings reported as misread (intent<TAB>utterance): tested one by one, never trained on. */
export const REPORTED = 'reported.tsv';

/** A blind in-scope file and a blind out-of-scope file, written together before the corpus work they measure. */
export interface BlindPair {
  name: string;
  inScope: string;
  none: string;
}

/** Written before the None corpus was grown (Nov 2026); evaluation only. */
export const BLIND_2026_11: BlindPair = {
  name: 'blind-2026-11',
  inScope: 'blind-2026-11-inscope.tsv',
  none: 'blind-2026-11-none.txt',
};
/**
 * Written before the UK-vocabulary and out-of-domain work (Dec 2026): residents' UK phrasings of
 * every intent, and requests people make of general assistants, by domain; evaluation only.
 */
export const BLIND_UK_OOD: BlindPair = { name: 'blind-uk/ood', inScope: 'blind-uk-inscope.tsv', none: 'blind-ood.txt' };
export const BLIND_PAIRS: BlindPair[] = [BLIND_2026_11, BLIND_UK_OOD];

export interface BlindNone extends Example {
  /** `reserved`: a topic kept out of None.txt on purpose; `familiar`: a topic None.txt covers. */
  section: string;
}

/** A blind None file whose `## <section>` lines name the kind of topic of the lines below them. */
export function loadBlindNone(file: string = BLIND_2026_11.none): BlindNone[] {
  let section = 'all';
  const out: BlindNone[] = [];
  for (const raw of readFileSync(new URL(file, HELDOUT_DIR), 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^##\s*(\S+)/.exec(line);
    if (heading?.[1]) section = heading[1];
    if (line === '' || line.startsWith('#')) continue;
    out.push({ text: Utterance.parse(line), intent: 'None', section });
  }
  return out;
}

export function isTest(text: string): boolean {
  const digest = createHash('sha1').update(text.toLowerCase()).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < TEST_SHARE;
}

export function split(examples: Example[]): { train: Example[]; test: Example[] } {
  const train: Example[] = [];
  const test: Example[] = [];
  for (const example of examples) (!example.trainOnly && isTest(example.text) ? test : train).push(example);
  return { train, test };
}

/** A hash of everything training reads, to know when a cached model is stale. */
export function corpusFingerprint(extra: string[]): string {
  const hash = createHash('sha256');
  for (const file of corpusFiles(CORPUS_DIR)) {
    hash.update(file).update(readFileSync(new URL(file, CORPUS_DIR)));
  }
  for (const file of ['none-calibration.txt']) hash.update(file).update(readFileSync(new URL(file, HELDOUT_DIR)));
  for (const part of extra) hash.update(part);
  return hash.digest('hex');
}
