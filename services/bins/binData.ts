/**
 * The bin collection data files in data/<council>/bins/, their schemas and the checks across
 * files (a round naming an unknown stream, a one-off change naming an unknown round), so a
 * mistake stops start-up with the file and record named.
 */
import { IANAZone } from 'luxon';
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, displayPath, loadJsonFile } from '../data/loadDataFile.js';
import { documentedObject, isoDate, timeOfDay, weekday, type Weekday } from '../data/schemas.js';
import { daysBetween, type IsoDate } from './dates.js';
import type { StreamInfo } from './types.js';

const text = z.string().trim().min(1, { error: 'is required' });
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'is not an id (letters, digits, - and _)' });

export const streamsFileSchema = documentedObject({
  streams: z
    .array(documentedObject({ id, name: text, container: text, requiresSubscription: z.boolean() }))
    .min(1, { error: 'must list at least one stream' }),
});

const pattern = z.discriminatedUnion(
  'frequency',
  [
    z.strictObject({ frequency: z.literal('weekly') }),
    z.strictObject({ frequency: z.literal('fortnightly'), referenceDate: isoDate }),
  ],
  { error: 'frequency must be "weekly" or "fortnightly" (fortnightly with a referenceDate)' },
);
export type CollectionPattern = z.infer<typeof pattern>;

export const roundsFileSchema = documentedObject({
  rounds: z.array(documentedObject({ id, day: weekday, streams: z.record(z.string(), pattern) })).min(1),
});
export type Round = z.infer<typeof roundsFileSchema>['rounds'][number];

/** GOV.UK's https://www.gov.uk/bank-holidays.json, pasted as published (every division may be present). */
export const bankHolidaysFileSchema = z.record(
  z.string(),
  z.object({
    division: z.string(),
    events: z.array(z.object({ title: text, date: isoDate, notes: z.string(), bunting: z.boolean() })),
  }),
);
export interface BankHoliday {
  title: string;
  date: IsoDate;
}

export const collectionRulesFileSchema = documentedObject({
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), { error: 'is not a time zone like Europe/London' }),
  bankHolidayDivision: z.string().min(1),
  collectionDay: documentedObject({ binsOutBy: timeOfDay, crewsFinishBy: timeOfDay }),
  bankHolidaySlip: documentedObject({
    description: text,
    daysLaterPerHoliday: z.number().int().min(0).max(2),
    catchUpDay: weekday,
    holidaysWithoutSlip: z.array(text),
  }),
  missedCollection: documentedObject({
    reportFromCollectionDayAt: timeOfDay,
    reportWithinWorkingDays: z.number().int().min(0).max(10),
    returnWithinWorkingDays: z.number().int().min(1).max(20),
  }),
});
export type CollectionRules = z.infer<typeof collectionRulesFileSchema>;

/** How far a one-off change may move a collection; it also bounds the schedule's look-around. */
export const MAX_CHANGE_DAYS = 14;

export const changesFileSchema = documentedObject({
  changes: z.array(
    documentedObject({
      date: isoDate,
      newDate: isoDate,
      rounds: z.array(z.string()).min(1).optional(),
      streams: z.array(z.string()).min(1).optional(),
      reason: text,
    }).refine((c) => c.date !== c.newDate && Math.abs(daysBetween(c.date, c.newDate)) <= MAX_CHANGE_DAYS, {
      error: `newDate must differ from date by 1 to ${MAX_CHANGE_DAYS} days`,
    }),
  ),
});
export type OneOffChange = z.infer<typeof changesFileSchema>['changes'][number];

export interface BinData {
  streams: StreamInfo[];
  rounds: Map<string, Round>;
  bankHolidays: BankHoliday[];
  rules: CollectionRules;
  changes: OneOffChange[];
  /** The files, for messages that name them. */
  files: { rounds: string; changes: string };
}

export const BIN_FILES = {
  streams: 'streams.json',
  rounds: 'rounds.json',
  bankHolidays: 'bank-holidays.json',
  rules: 'collection-rules.json',
  changes: 'changes.json',
} as const;

/** Loads and cross-checks data/<council>/bins/*.json. */
export function loadBinData(binsDir: string): BinData {
  const path = (name: keyof typeof BIN_FILES) => join(binsDir, BIN_FILES[name]);
  const { streams } = loadJsonFile(path('streams'), streamsFileSchema);
  const { rounds } = loadJsonFile(path('rounds'), roundsFileSchema);
  const holidayFile = loadJsonFile(path('bankHolidays'), bankHolidaysFileSchema);
  const rules = loadJsonFile(path('rules'), collectionRulesFileSchema);
  const { changes } = loadJsonFile(path('changes'), changesFileSchema);

  const streamIds = new Set(streams.map((s) => s.id));
  duplicates(
    streams.map((s) => s.id),
    path('streams'),
    'streams',
    'stream id',
  );

  duplicates(
    rounds.map((r) => r.id),
    path('rounds'),
    'rounds',
    'round id',
  );
  const roundProblems = rounds.flatMap((round, i) =>
    Object.keys(round.streams)
      .filter((stream) => !streamIds.has(stream))
      .map(
        (stream) =>
          `rounds[${i}] (id ${round.id}): streams.${stream}: is not a stream in ${BIN_FILES.streams} (${[...streamIds].join(', ')})`,
      ),
  );
  if (roundProblems.length > 0) throw new DataFileError(displayPath(path('rounds')), roundProblems);

  const division = holidayFile[rules.bankHolidayDivision];
  if (!division) {
    throw new DataFileError(displayPath(path('rules')), [
      `: bankHolidayDivision: "${rules.bankHolidayDivision}" is not a division in ${BIN_FILES.bankHolidays} (${Object.keys(holidayFile).join(', ')})`,
    ]);
  }
  const bankHolidays = division.events.map(({ title, date }) => ({ title, date }));
  const titles = new Set(bankHolidays.map((h) => h.title));
  const unknownTitles = rules.bankHolidaySlip.holidaysWithoutSlip.filter((t) => !titles.has(t));
  if (unknownTitles.length > 0) {
    throw new DataFileError(displayPath(path('rules')), [
      `: bankHolidaySlip.holidaysWithoutSlip: ${unknownTitles.map((t) => `"${t}"`).join(', ')} is not a bank holiday title in ${BIN_FILES.bankHolidays}`,
    ]);
  }

  const changeProblems: string[] = [];
  changes.forEach((change, i) => {
    const where = `changes[${i}] (date ${change.date})`;
    for (const round of change.rounds ?? [])
      if (!rounds.some((r) => r.id === round))
        changeProblems.push(`${where}: rounds: "${round}" is not a round in ${BIN_FILES.rounds}`);
    for (const stream of change.streams ?? [])
      if (!streamIds.has(stream))
        changeProblems.push(`${where}: streams: "${stream}" is not a stream in ${BIN_FILES.streams}`);
    // Two changes for the same collection would leave its date a matter of file order.
    changes.slice(0, i).forEach((earlier, j) => {
      const overlap = (a?: string[], b?: string[]) => !a || !b || a.some((x) => b.includes(x));
      if (
        earlier.date === change.date &&
        overlap(earlier.rounds, change.rounds) &&
        overlap(earlier.streams, change.streams)
      ) {
        changeProblems.push(`${where}: moves the same collections as changes[${j}]`);
      }
    });
  });
  if (changeProblems.length > 0) throw new DataFileError(displayPath(path('changes')), changeProblems);

  return {
    streams,
    rounds: new Map(rounds.map((r) => [r.id, r])),
    bankHolidays,
    rules,
    changes,
    files: { rounds: displayPath(path('rounds')), changes: displayPath(path('changes')) },
  };
}

function duplicates(ids: string[], file: string, array: string, what: string): void {
  const problems = ids.flatMap((value, i) =>
    ids.indexOf(value) < i ? [`${array}[${i}] (id ${value}): this ${what} is used twice`] : [],
  );
  if (problems.length > 0) throw new DataFileError(displayPath(file), problems);
}

export type { Weekday };
