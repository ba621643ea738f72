/**
 * Field types shared by the council's data files, each with an error message a member of
 * the digital team can act on.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

/** A calendar date, yyyy-mm-dd (a date in the council's own time zone, never an instant). */
export const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, {
  error: 'is not a real date in the form yyyy-mm-dd',
});

/** A time of day, HH:mm on the 24-hour clock. */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'is not a time like 18:00' });

export const weekday = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], {
  error: 'is not a day of the week (monday ... sunday)',
});
export type Weekday = z.infer<typeof weekday>;
/** Luxon's weekday numbers: Monday 1 ... Sunday 7. */
export const WEEKDAY_NUMBER: Record<Weekday, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/** A CSV cell that may be empty: "" becomes undefined. */
export const optionalText = z
  .string()
  .transform((s) => (s.trim() === '' ? undefined : s.trim()))
  .optional();

/** A CSV yes/no cell. */
export const yesNo = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['yes', 'no'], { error: 'must be yes or no' }))
  .transform((s) => s === 'yes');

/**
 * An object that rejects misspelt keys (so "crewsFinishby" is reported, not ignored) but lets
 * the digital team leave notes in keys starting with "_" (JSON has no comments).
 */
export function documentedObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const dropNotes = (value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('_')))
      : value;
  return z.preprocess(
    dropNotes,
    z.strictObject(shape, {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `has unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected ${Object.keys(shape).join(', ')}; notes go in fields starting with "_")`
          : undefined,
    }),
  );
}
