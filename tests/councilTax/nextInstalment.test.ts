/** The next instalment due as of today, from an accounts file that is a snapshot. */
import { describe, expect, it } from 'vitest';
import { nextInstalmentDue } from '../../services/councilTax/nextInstalment.js';

const plans = [
  { instalments: 10, lastMonth: 'January' },
  { instalments: 12, lastMonth: 'March' },
];
const on = (iso: string) => new Date(`${iso}T10:00:00Z`);
const due = (date: string) => ({ date, amount: 20266 });

describe('the next instalment due', () => {
  it('is the recorded one while it is today or ahead', () => {
    expect(nextInstalmentDue(due('2026-12-01'), 10, plans, '2026/27', 'Europe/London', on('2026-12-01'))).toEqual(
      due('2026-12-01'),
    );
    expect(nextInstalmentDue(due('2026-12-15'), 12, plans, '2026/27', 'Europe/London', on('2026-12-02'))).toEqual(
      due('2026-12-15'),
    );
  });

  it('moves on a month once the recorded one has passed, never calling a past date next', () => {
    expect(nextInstalmentDue(due('2026-12-01'), 10, plans, '2026/27', 'Europe/London', on('2026-12-02'))).toEqual(
      due('2027-01-01'),
    );
    expect(nextInstalmentDue(due('2026-11-28'), 12, plans, '2026/27', 'Europe/London', on('2027-01-29'))).toEqual(
      due('2027-02-28'),
    );
  });

  it('is none once the plan’s last instalment has passed', () => {
    expect(nextInstalmentDue(due('2027-01-01'), 10, plans, '2026/27', 'Europe/London', on('2027-01-02'))).toBeNull();
    expect(nextInstalmentDue(due('2027-01-01'), 12, plans, '2026/27', 'Europe/London', on('2027-01-02'))).toEqual(
      due('2027-02-01'),
    );
  });
});
