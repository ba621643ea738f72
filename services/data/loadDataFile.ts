/**
 * Loads a council's data files (JSON and CSV) and validates them with zod, so a typo made by
 * the council's digital team stops start-up with a message that names the file, the record
 * and the field, instead of surfacing later in a resident's conversation. Generic: every
 * service (bins, tip permits, council tax) loads its own files through here.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';

/** How many problems one error lists: enough to fix a batch at once, short enough to read. */
const MAX_LISTED_PROBLEMS = 10;

export class DataFileError extends Error {
  override readonly name = 'DataFileError';

  /**
   * @param file the file as the digital team knows it (relative to the working directory)
   * @param problems one line each, e.g. `row 17 (property 10001017): postcode: "DF1 1A" is not a valid postcode`
   */
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    // "file row 2 (...): ..." for a record, "file: ..." for the file as a whole.
    const listed = problems
      .slice(0, MAX_LISTED_PROBLEMS)
      .map((p) => (p.startsWith(':') ? `${file}${p}` : `${file} ${p}`));
    const more = problems.length - listed.length;
    super([...listed, ...(more > 0 ? [`${file}: and ${more} more problems`] : [])].join('\n'));
  }
}

/** Names a record for an error message, e.g. `(round MON-A)`; undefined when nothing names it. */
export type RecordLabeller = (record: unknown) => string | undefined;

/** The path as people read it relative to where the assistant was started. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFileError(displayPath(path), [
      `: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  }
}

function formatValue(input: unknown): string {
  if (input === undefined) return 'missing';
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One readable line per problem: `postcode: "DF1 1A" is not a valid postcode`, or with zod's
 * own wording `day: Invalid option: expected one of ... (found "mon")`.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  // A problem with a whole record (e.g. a rule across two fields) has no field to name.
  const at = path ? `${path}: ` : '';
  const input = (issue as { input?: unknown }).input;
  // Whole objects are not worth quoting back: the message says what is wrong with them.
  if (issue.code === 'unrecognized_keys' || (issue.code === 'custom' && typeof input === 'object'))
    return `${at}${issue.message}`;
  if (input === undefined) return `${at}is missing`;
  if (input === '') return `${at}is empty`;
  const shown = formatValue(input);
  if (/^(is|must|has|does) /.test(issue.message)) return `${at}${shown} ${issue.message}`;
  return `${at}${issue.message} (found ${shown})`;
}

/** A default labeller: the first identifying field a record has. */
export const labelById: RecordLabeller = (record) => {
  if (record === null || typeof record !== 'object') return undefined;
  for (const key of ['id', 'property_id', 'date', 'name', 'title'] as const) {
    const value = (record as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') return `${key.replace('_', ' ')} ${value}`;
  }
  return undefined;
};

/**
 * Reads and validates a JSON file. An issue inside an array names the array element and, via
 * `labelRecord`, the record's own id, e.g. `rounds[3] (id MON-B): day: ...`.
 */
export function loadJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  labelRecord: RecordLabeller = labelById,
): z.output<S> {
  const file = displayPath(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, [`: is not valid JSON (${(error as Error).message})`]);
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new DataFileError(
    file,
    result.error.issues.map((issue) => {
      // Name the innermost array element on the issue's path: that is the record people edit.
      let lastIndex = -1;
      issue.path.forEach((key, i) => {
        if (typeof key === 'number') lastIndex = i;
      });
      if (lastIndex < 0) return `: ${describeIssue(issue)}`;
      const recordPath = issue.path.slice(0, lastIndex + 1);
      const record = recordPath.reduce<unknown>(
        (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey],
        raw,
      );
      const label = labelRecord(record);
      const where = recordPath
        .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
        .join('')
        .replace(/^\./, '');
      return `${where}${label ? ` (${label})` : ''}: ${describeIssue({ ...issue, path: issue.path.slice(lastIndex + 1) })}`;
    }),
  );
}

export interface CsvRow<T> {
  /** The row as a spreadsheet shows it: the header is row 1, the first record row 2. */
  row: number;
  value: T;
}

/**
 * Reads a CSV file with a header row and validates every row, reporting every bad row (up
 * to a limit) rather than only the first, so one run finds them all.
 * Empty cells arrive as "" — the row schema decides what an empty cell means.
 */
export function loadCsvFile<S extends z.ZodType>(
  path: string,
  rowSchema: S,
  labelRecord: RecordLabeller = labelById,
): CsvRow<z.output<S>>[] {
  const file = displayPath(path);
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(readText(path), { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(file, [`: is not valid CSV (${(error as Error).message})`]);
  }
  const rows: CsvRow<z.output<S>>[] = [];
  const problems: string[] = [];
  for (const { record, info } of records) {
    const result = rowSchema.safeParse(record, { reportInput: true });
    if (result.success) {
      rows.push({ row: info.lines, value: result.data });
    } else {
      const label = labelRecord(record);
      for (const issue of result.error.issues) {
        problems.push(`row ${info.lines}${label ? ` (${label})` : ''}: ${describeIssue(issue)}`);
      }
    }
  }
  if (problems.length > 0) throw new DataFileError(file, problems);
  return rows;
}
