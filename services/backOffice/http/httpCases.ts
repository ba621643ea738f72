/** Cases over the back-office API ("cases"): a council's CRM. */
import type { Case, CaseKind, Cases, ClaimResult, NewCase } from '../../cases/cases.js';
import { BackOfficeUnavailableError } from '../unavailable.js';
import type { BackOfficeHttp } from '../httpClient.js';
import * as wire from './wire.js';

export class HttpCases implements Cases {
  constructor(private readonly http: BackOfficeHttp) {}

  async open(input: NewCase, now: Date): Promise<{ reference: string }> {
    const opened = await this.http.post('/cases', { ...input, at: now.toISOString() }, wire.caseOpened);
    if (!opened) throw new BackOfficeUnavailableError('cases', 'bad_response', 'POST /cases: not found');
    return opened;
  }

  async get(reference: string): Promise<Case | null> {
    return this.http.get(`/cases/${encodeURIComponent(reference)}`, wire.caseRecord);
  }

  async listOpen(limit?: number): Promise<Case[]> {
    return (await this.http.get('/cases', wire.caseList, { status: 'open', limit }))?.cases ?? [];
  }

  async listOpenOfKind(kind: CaseKind, limit?: number): Promise<Case[]> {
    return (await this.http.get('/cases', wire.caseList, { status: 'open', kind, limit }))?.cases ?? [];
  }

  async claim(reference: string, agentId: string, now: Date): Promise<ClaimResult> {
    const result = await this.http.post(
      `/cases/${encodeURIComponent(reference)}/claim`,
      { agentId, at: now.toISOString() },
      wire.claimResult,
    );
    return result ?? { ok: false, reason: 'missing' };
  }

  async close(reference: string, now: Date, outcome?: string): Promise<boolean> {
    const result = await this.http.post(
      `/cases/${encodeURIComponent(reference)}/close`,
      { at: now.toISOString(), ...(outcome ? { outcome } : {}) },
      wire.closeResult,
    );
    return result?.closed ?? false;
  }
}
