/** The council's working days (Monday to Friday, not bank holidays), for report windows and return times. */
import { addDays, isoWeekday, type IsoDate } from './dates.js';

export class WorkingDays {
  private readonly holidays: Set<IsoDate>;

  constructor(bankHolidays: Iterable<{ date: IsoDate }>) {
    this.holidays = new Set([...bankHolidays].map((h) => h.date));
  }

  isWorkingDay(date: IsoDate): boolean {
    return isoWeekday(date) <= 5 && !this.holidays.has(date);
  }

  /** The date `count` working days after `date` (Friday + 1 is Monday). */
  addWorkingDays(date: IsoDate, count: number): IsoDate {
    let day = date;
    for (let added = 0; added < count;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) added++;
    }
    return day;
  }
}
