/**
 * Permits over the back-office API ("permits"): a council's booking system holds the permits,
 * slots and visits. Which vehicles qualify is the council's published policy, decided here
 * (PermitPolicy) before anything is sent; a refusal from the system carries its reason and the
 * facts, and is put in the council's own words (tip/policy.json) here.
 */
import type { Instant, IsoDate } from '../../bins/dates.js';
import type { PermitPolicy } from '../../tip/permitPolicy.js';
import type {
  Eligibility,
  IssueRequest,
  IssueResult,
  ManageRefusalReason,
  ManageResult,
  Permit,
  PermitCredentials,
  Permits,
  Refusal,
  RefusalReason,
  SlotAvailability,
  VisitsUsed,
} from '../../tip/permits.js';
import type { MessageKey } from '../../tip/tipData.js';
import { BackOfficeUnavailableError } from '../unavailable.js';
import type { BackOfficeHttp } from '../httpClient.js';
import { instantText } from './httpBinCollections.js';
import * as wire from './wire.js';

const MANAGE_REASONS: readonly string[] = [
  'not_found',
  'already_cancelled',
  'too_late_to_change',
] satisfies ManageRefusalReason[];
function isManageReason(reason: string): reason is ManageRefusalReason {
  return MANAGE_REASONS.includes(reason);
}

type WireRefusal = Extract<import('zod').infer<typeof wire.issueResult>, { ok: false }>;

export class HttpPermits implements Permits {
  constructor(
    private readonly http: BackOfficeHttp,
    private readonly policy: PermitPolicy,
  ) {}

  async eligibility(input: { vehicleType: string; trailerLengthMetres?: number }): Promise<Eligibility> {
    return this.policy.eligibility(input);
  }

  async vehicleFromText(text: string): Promise<{ id: string; name: string } | null> {
    return this.policy.vehicleFromText(text);
  }

  async availableSlots(input: {
    siteId: string;
    from: IsoDate;
    days: number;
    now: Instant;
  }): Promise<SlotAvailability[]> {
    const answer = await this.http.get(`/tip-sites/${encodeURIComponent(input.siteId)}/slots`, wire.slotList, {
      from: input.from,
      days: input.days,
      now: instantText(input.now),
    });
    return answer?.slots ?? [];
  }

  async issue(request: IssueRequest): Promise<IssueResult> {
    const eligible = this.policy.eligibility(request);
    if (!eligible.eligible)
      return { ok: false, reason: eligible.reason, message: eligible.message, details: eligible.details };
    if (!request.declaredNoTradeWaste) return this.policy.refusal('trade_waste');
    const { now, ...rest } = request;
    const answer = this.required(
      'POST /permits',
      await this.http.post('/permits', { ...rest, now: instantText(now) }, wire.issueResult),
    );
    if (answer.ok) return answer;
    const refusal = this.inCouncilWords(answer, request);
    if (isManageReason(refusal.reason))
      throw new BackOfficeUnavailableError('permits', 'bad_response', `POST /permits: refused as ${refusal.reason}`);
    return refusal as Refusal;
  }

  async findByReference(reference: string, postcode: string): Promise<Permit | null> {
    return (await this.http.query('/permits/find', { reference, postcode }, wire.permitFound))?.permit ?? null;
  }

  async findForPhone(phone: string): Promise<Permit[]> {
    return (await this.http.query('/permits/for-phone', { phone }, wire.permitList))?.permits ?? [];
  }

  async findForProperty(propertyId: string): Promise<Permit[]> {
    return (
      (await this.http.get(`/properties/${encodeURIComponent(propertyId)}/permits`, wire.permitList))?.permits ?? []
    );
  }

  async cancel(reference: string, credentials: PermitCredentials, now: Instant): Promise<ManageResult> {
    return this.manage(reference, 'cancel', { credentials, now: instantText(now) });
  }

  async changeDate(
    reference: string,
    credentials: PermitCredentials,
    to: { date: IsoDate; window: string; siteId?: string },
    now: Instant,
  ): Promise<ManageResult> {
    return this.manage(reference, 'date', { credentials, to, now: instantText(now) });
  }

  async changeRegistration(
    reference: string,
    credentials: PermitCredentials,
    registration: string,
    now: Instant,
  ): Promise<ManageResult> {
    return this.manage(reference, 'registration', { credentials, registration, now: instantText(now) });
  }

  async visitsUsed(propertyId: string, now: Instant): Promise<VisitsUsed> {
    const answer = await this.http.get(`/properties/${encodeURIComponent(propertyId)}/permit-visits`, wire.visitsUsed, {
      now: instantText(now),
    });
    return this.required('GET permit-visits', answer);
  }

  private async manage(
    reference: string,
    change: 'cancel' | 'date' | 'registration',
    body: object,
  ): Promise<ManageResult> {
    const answer = await this.http.post(`/permits/${encodeURIComponent(reference)}/${change}`, body, wire.manageResult);
    if (!answer) return this.policy.refusal('not_found');
    return answer.ok ? answer : this.inCouncilWords(answer);
  }

  /** The system's reason and facts, in the council's words. */
  private inCouncilWords(refusal: WireRefusal, request?: IssueRequest): Refusal<RefusalReason | ManageRefusalReason> {
    const reason = refusal.reason;
    if (reason === 'not_eligible' || reason === 'no_permit_needed') {
      // Vehicle decisions have their words on the vehicle in policy.json.
      const eligible = request ? this.policy.eligibility(request) : undefined;
      const message = eligible && !eligible.eligible ? eligible.message : this.policy.message('trade_waste');
      return { ok: false, reason, message, details: refusal.details };
    }
    return this.policy.refusal(reason satisfies MessageKey, refusal.values, refusal.details);
  }

  private required<T>(what: string, answer: T | null): T {
    if (answer === null) throw new BackOfficeUnavailableError('permits', 'bad_response', `${what}: not found`);
    return answer;
  }
}
