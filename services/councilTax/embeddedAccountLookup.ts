/** AccountLookup over the demo council's accounts file (a snapshot, worked forward to today). */
import type { AccountDetails, AccountLookup } from './accountLookup.js';
import type { AccountRecord, CouncilTaxData } from './councilTaxData.js';
import { nextInstalmentDue } from './nextInstalment.js';

export class EmbeddedAccountLookup implements AccountLookup {
  constructor(private readonly data: CouncilTaxData) {}

  async match(accountNumber: string, postcode: string, now: Date): Promise<AccountDetails | null> {
    const record = this.data.accounts.get(accountNumber);
    return record && record.postcode === postcode ? this.details(record, now) : null;
  }

  async get(accountNumber: string, now: Date): Promise<AccountDetails | null> {
    const record = this.data.accounts.get(accountNumber);
    return record ? this.details(record, now) : null;
  }

  private details(record: AccountRecord, now: Date): AccountDetails {
    const { payments, year, timeZone } = this.data;
    return {
      accountNumber: record.accountNumber,
      propertyId: record.propertyId,
      address: record.address,
      name: record.name,
      balance: record.balance,
      // The file is a snapshot: the instalment it calls next may have fallen due since.
      nextInstalment: nextInstalmentDue(
        record.nextInstalment,
        record.instalments,
        payments.instalmentPlans,
        year,
        timeZone,
        now,
      ),
      instalments: record.instalments,
      status: record.status,
      year,
    };
  }
}
