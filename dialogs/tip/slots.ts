/**
 * Time slots as residents see and name them: "Sat 28 Nov 8am-12pm Quarry Road tip" on a
 * button or a numbered SMS line, and "saturday morning" typed, mapped to the site's windows.
 */
import type { DayPart } from '../../intents/types.js';
import type { SlotAvailability } from '../../services/tip/permits.js';
import type { TipSite, VanWindow } from '../../services/tip/sites.js';
import { writesShort, type Channel } from '../../services/channels/channels.js';
import { formatDate, formatTime } from '../format.js';

/** A representative time of day for each part, to find the window it falls in. */
const DAY_PART_TIME: Record<DayPart, string> = { morning: '10:00', afternoon: '14:00', evening: '18:00' };

export interface OfferedSlot {
  siteId: string;
  date: string;
  window: string;
  /** What the resident saw and what comes back when chosen. */
  label: string;
}

/** The window a day part names at this site: same id first, else the one covering its time. */
export function windowForDayPart(site: TipSite, dayPart: DayPart | undefined): VanWindow | undefined {
  if (!dayPart) return undefined;
  const time = DAY_PART_TIME[dayPart];
  return site.vanWindows.find((w) => w.id === dayPart) ?? site.vanWindows.find((w) => w.from <= time && time < w.to);
}

/** "8am-12pm" on SMS, the council's own label ("morning (8am to 12 noon)") on the web. */
export function windowWords(window: Pick<VanWindow, 'label' | 'from' | 'to'>, channel: Channel): string {
  return writesShort(channel) ? `${formatTime(window.from)}-${formatTime(window.to)}` : window.label;
}

/** The date is left out when the question already names the one day every choice is on. */
export function slotLabel(
  slot: Pick<SlotAvailability, 'date' | 'label' | 'from' | 'to'>,
  site: TipSite,
  channel: Channel,
  now: Date,
  withDate = true,
): string {
  const date = withDate ? formatDate(slot.date, channel, now) : '';
  const parts = writesShort(channel)
    ? [date, windowWords(slot, channel), site.shortName]
    : [date, slot.label, site.shortName];
  return parts.filter(Boolean).join(writesShort(channel) ? ' ' : ', ');
}

/** `dayNamed`: the question already names the day, so the choices leave it out. */
export function offer(
  slots: SlotAvailability[],
  sites: TipSite[],
  channel: Channel,
  now: Date,
  dayNamed = false,
): OfferedSlot[] {
  const oneDay = dayNamed && slots.every((s) => s.date === slots[0]?.date);
  return slots.flatMap((slot) => {
    const site = sites.find((s) => s.id === slot.siteId);
    return site
      ? [
          {
            siteId: slot.siteId,
            date: slot.date,
            window: slot.window,
            label: slotLabel(slot, site, channel, now, !oneDay),
          },
        ]
      : [];
  });
}

/** Soonest first, then by site order, so choices read in time order across sites. */
export function bySoonest(a: SlotAvailability, b: SlotAvailability): number {
  return a.date.localeCompare(b.date) || a.from.localeCompare(b.from);
}

export function asChoices(offered: OfferedSlot[]): { label: string; value: string }[] {
  return offered.map((o) => ({ label: o.label, value: o.label }));
}
