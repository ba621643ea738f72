/**
 * Tip permit lookups by reference under limits. A reference is six digits and the postcode
 * beside it is public, so references could be guessed to read someone's registration and
 * visit. Each lookup counts against its client and everyone's allowance; each miss counts
 * against the reference itself (from anyone), and a reference missed too often cannot be
 * looked up by postcode until the window passes. The resident who booked by text can still
 * reach it from their phone, and the contact centre always can. Over a limit, TooManyAttempts
 * lets the dialog say so politely.
 */
import type {
  Eligibility,
  IssueRequest,
  IssueResult,
  ManageResult,
  Permit,
  PermitCredentials,
  Permits,
  SlotAvailability,
  VisitsUsed,
} from '../../services/tip/permits.js';
import type { Instant, IsoDate } from '../../services/bins/dates.js';
import { TooManyAttempts } from '../../services/tooManyAttempts.js';
import { currentClient } from '../../adapters/requestClient.js';
import type { VelocityLimits } from './velocityLimits.js';

export class LimitedPermits implements Permits {
  constructor(
    private readonly inner: Permits,
    private readonly limits: VelocityLimits,
  ) {}

  async findByReference(reference: string, postcode: string): Promise<Permit | null> {
    const client = currentClient() ?? 'unknown-client';
    const exhausted = await this.limits.isOver('referenceFailures', reference);
    if (!exhausted.allowed) throw new TooManyAttempts(exhausted.retryAfterSeconds);
    const admission = await this.limits.admit('lookups', client);
    if (!admission.allowed) throw new TooManyAttempts(admission.retryAfterSeconds);
    const permit = await this.inner.findByReference(reference, postcode);
    if (!permit) await this.limits.admit('referenceFailures', reference);
    return permit;
  }

  eligibility(input: { vehicleType: string; trailerLengthMetres?: number }): Promise<Eligibility> {
    return this.inner.eligibility(input);
  }
  vehicleFromText(text: string): Promise<{ id: string; name: string } | null> {
    return this.inner.vehicleFromText(text);
  }
  availableSlots(input: { siteId: string; from: IsoDate; days: number; now: Instant }): Promise<SlotAvailability[]> {
    return this.inner.availableSlots(input);
  }
  issue(request: IssueRequest): Promise<IssueResult> {
    return this.inner.issue(request);
  }
  findForPhone(phone: string): Promise<Permit[]> {
    return this.inner.findForPhone(phone);
  }
  findForProperty(propertyId: string): Promise<Permit[]> {
    return this.inner.findForProperty(propertyId);
  }
  cancel(reference: string, credentials: PermitCredentials, now: Instant): Promise<ManageResult> {
    return this.inner.cancel(reference, credentials, now);
  }
  changeDate(
    reference: string,
    credentials: PermitCredentials,
    to: { date: IsoDate; window: string; siteId?: string },
    now: Instant,
  ): Promise<ManageResult> {
    return this.inner.changeDate(reference, credentials, to, now);
  }
  changeRegistration(
    reference: string,
    credentials: PermitCredentials,
    registration: string,
    now: Instant,
  ): Promise<ManageResult> {
    return this.inner.changeRegistration(reference, credentials, registration, now);
  }
  visitsUsed(propertyId: string, now: Instant): Promise<VisitsUsed> {
    return this.inner.visitsUsed(propertyId, now);
  }
}
