/** TipSites over the council's data files (data/<council>/tip), held in memory. */
import { addDays, isoWeekday, type IsoDate } from '../bins/dates.js';
import { WEEKDAY_NUMBER } from '../data/schemas.js';
import { fillTemplate } from './format.js';
import { PhraseMatcher } from '../words/phraseMatcher.js';
import type { MaterialAnswer, Opening, TipSite, TipSites } from './sites.js';
import { inMonthDayRange, type MaterialRecord, type SiteRecord, type TipData } from './tipData.js';

/** How far nextOpenDays looks: a site closed for more than a year is not coming back soon. */
const SEARCH_DAYS = 400;

const WEEKDAY_NAME = Object.fromEntries(
  Object.entries(WEEKDAY_NUMBER).map(([name, n]) => [n, name.charAt(0).toUpperCase() + name.slice(1)]),
) as Record<number, string>;

export class EmbeddedTipSites implements TipSites {
  readonly timeZone: string;
  private readonly sites: Map<string, SiteRecord>;
  private readonly holidays: Map<IsoDate, string>;
  private readonly materialMatcher: PhraseMatcher<MaterialRecord>;
  private readonly siteMatcher: PhraseMatcher<SiteRecord>;

  constructor(private readonly data: TipData) {
    this.timeZone = data.policy.timeZone;
    this.sites = new Map(data.sites.map((s) => [s.id, s]));
    this.holidays = new Map(data.bankHolidays.map((h) => [h.date, h.title]));
    this.materialMatcher = new PhraseMatcher(
      data.materials.map((m) => ({ value: m, phrases: [...m.synonyms, m.name] })),
    );
    this.siteMatcher = new PhraseMatcher(
      data.sites.map((s) => ({ value: s, phrases: [...s.synonyms, s.shortName, s.name] })),
    );
  }

  async list(): Promise<TipSite[]> {
    return this.data.sites.map(toSite);
  }

  async get(siteId: string): Promise<TipSite | null> {
    const site = this.sites.get(siteId);
    return site ? toSite(site) : null;
  }

  async findSite(text: string): Promise<TipSite | null> {
    const found = this.siteMatcher.findAll(text);
    return found.length === 1 && found[0] ? toSite(found[0]) : null;
  }

  async openingOn(siteId: string, date: IsoDate): Promise<Opening> {
    return this.opening(this.site(siteId), date);
  }

  async nextOpenDays(siteId: string, from: IsoDate, n: number): Promise<Extract<Opening, { open: true }>[]> {
    const site = this.site(siteId);
    const days: Extract<Opening, { open: true }>[] = [];
    for (let i = 0; i < SEARCH_DAYS && days.length < n; i++) {
      const opening = this.opening(site, addDays(from, i));
      if (opening.open) days.push(opening);
    }
    return days;
  }

  async material(query: string): Promise<MaterialAnswer | null> {
    return (await this.materials(query))[0] ?? null;
  }

  async materials(query: string): Promise<MaterialAnswer[]> {
    return this.materialMatcher.findAll(query).map((m) => {
      const notAcceptedAt = m.accepted
        ? this.data.sites.filter((s) => s.notAccepted.includes(m.id)).map((s) => s.id)
        : this.data.sites.map((s) => s.id);
      const acceptedAt = this.data.sites.map((s) => s.id).filter((id) => !notAcceptedAt.includes(id));
      return {
        material: { id: m.id, name: m.name },
        accepted: acceptedAt.length > 0,
        ...(m.limit !== undefined && { limit: m.limit }),
        ...(m.rule !== undefined && { rule: m.rule }),
        ...(m.alternative !== undefined && { alternative: m.alternative }),
        acceptedAt,
        notAcceptedAt,
      };
    });
  }

  private site(siteId: string): SiteRecord {
    const site = this.sites.get(siteId);
    if (!site) throw new Error(`Unknown tip site "${siteId}"`);
    return site;
  }

  /** Closures in order of precedence: the named closure days say more than "closed on Wednesdays". */
  private opening(site: SiteRecord, date: IsoDate): Opening {
    const md = date.slice(5);
    const annual = this.data.closures.annual.find((c) => c.monthDay === md);
    if (annual) return { open: false, date, kind: 'annual', reason: annual.reason };
    const oneOff = this.data.closures.oneOff.find((c) => c.date === date && (!c.sites || c.sites.includes(site.id)));
    if (oneOff) return { open: false, date, kind: 'one_off', reason: oneOff.reason };
    const holiday = this.holidays.get(date);
    if (holiday && site.bankHolidays === 'closed') {
      return {
        open: false,
        date,
        kind: 'bank_holiday',
        reason: fillTemplate(this.data.closedReasons.bankHoliday, { holiday }),
      };
    }
    const weekday = isoWeekday(date);
    if (site.closedWeekdays.some((d) => WEEKDAY_NUMBER[d] === weekday)) {
      return {
        open: false,
        date,
        kind: 'weekday',
        reason: fillTemplate(this.data.closedReasons.weekday, { weekday: WEEKDAY_NAME[weekday] ?? '' }),
      };
    }
    // loadTipData checked that exactly one season covers every day of the year.
    const season = site.seasons.find((s) => inMonthDayRange(md, s.from, s.to)) ?? site.seasons[0];
    if (!season) throw new Error(`Tip site "${site.id}" has no seasons`);
    return {
      open: true,
      date,
      opens: season.opens,
      closes: season.closes,
      season: season.name,
      ...(holiday && { bankHoliday: holiday }),
    };
  }
}

function toSite(site: SiteRecord): TipSite {
  return {
    id: site.id,
    name: site.name,
    shortName: site.shortName,
    address: site.address,
    directions: site.directions,
    vanWindows: site.vanWindows.map((w) => ({ ...w })),
  };
}
