/**
 * One contract for every back-office implementation: the same behaviour, whether the demo
 * council's data answers or a council system speaking the back-office API does. A council
 * writing its own server can point these checks at it (the fake server here is one).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownPropertyError } from '../../../services/bins/binCollections.js';
import type { FakeBackOfficePorts } from '../../helpers/fakeBackOffice.js';
import { FIXTURES, london } from '../demoData.js';
import { embeddedPorts, httpPorts, type PortsUnderTest } from './backOfficePorts.js';

const IMPLEMENTATIONS: [string, () => Promise<PortsUnderTest>][] = [
  ['embedded', embeddedPorts],
  ['http', httpPorts],
];

/** "GET /addresses/{propertyId}" for every operation in the published API document. */
function documentedOperations(): { method: string; path: RegExp; name: string }[] {
  const lines = readFileSync(new URL('../../../docs/back-office-api.yaml', import.meta.url), 'utf8').split('\n');
  const operations: { method: string; path: RegExp; name: string }[] = [];
  let path: string | undefined;
  for (const line of lines) {
    const pathLine = /^ {2}(\/\S*):$/.exec(line);
    if (pathLine) path = pathLine[1];
    else if (/^\S/.test(line)) path = undefined;
    const method = /^ {4}(get|post):$/.exec(line)?.[1];
    if (path && method) {
      const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      operations.push({ method: method.toUpperCase(), path: pattern, name: `${method.toUpperCase()} ${path}` });
    }
  }
  return operations;
}

/** Monday 23 November 2026, 10:00 in Demoford. */
const NOW = london('2026-11-23T10:00').toJSDate();

for (const [name, start] of IMPLEMENTATIONS) {
  describe(`back-office contract: ${name}`, () => {
    let under: PortsUnderTest;
    let p: FakeBackOfficePorts;
    beforeAll(async () => {
      under = await start();
      p = under.ports;
    });
    afterAll(async () => under.close());

    describe('addresses', () => {
      it("lists a postcode's properties in any spelling, and finds one by id", async () => {
        const list = await p.addresses.findByPostcode('df11aa');
        expect(list.map((a) => a.label)).toContain('1 High Street, Demoford, DF1 1AA');
        expect((await p.addresses.getProperty(FIXTURES.highStreet1))?.shortLabel).toBe('1 High Street');
      });

      it('tells an unknown property, a postcode elsewhere and a district of the borough apart', async () => {
        expect(await p.addresses.getProperty('99999999')).toBeNull();
        expect(await p.addresses.findByPostcode('OX1 1AA')).toEqual([]);
        expect(await p.addresses.findByPostcode('not a postcode')).toEqual([]);
        expect(await p.addresses.coversPostcode('OX1 1AA')).toBe(false);
        expect(await p.addresses.coversPostcode('DF2')).toBe(true);
      });
    });

    describe('bin collections', () => {
      it("gives each stream's next collection, soonest first", async () => {
        const next = await p.bins.nextCollections(FIXTURES.millLane22, london('2026-11-17T10:00'));
        expect(next.map((c) => `${c.stream} ${c.date}`)).toEqual([
          'refuse 2026-11-23',
          'food 2026-11-23',
          'recycling 2026-11-30',
          'garden 2026-11-30',
        ]);
        expect(next[0]).toMatchObject({ name: 'rubbish', container: 'black bin', isToday: false });
      });

      it('knows the schedule, the last collection and whether a bin was due', async () => {
        const dates = (
          await p.bins.scheduledCollections(FIXTURES.millLane22, 'refuse', '2026-11-01', '2026-12-20')
        ).map((c) => c.date);
        expect(dates).toEqual(['2026-11-09', '2026-11-23', '2026-12-07']);
        expect(
          (await p.bins.lastScheduledCollection(FIXTURES.millLane22, 'refuse', london('2026-11-25T10:00')))?.date,
        ).toBe('2026-11-23');
        expect(await p.bins.wasDue(FIXTURES.millLane22, 'refuse', '2026-11-23')).toBe(true);
        expect(await p.bins.wasDue(FIXTURES.millLane22, 'refuse', '2026-11-24')).toBe(false);
      });

      it('says which streams a household gets (garden waste by subscription)', async () => {
        const garden = (id: string) => p.bins.streamsFor(id).then((s) => s.find((x) => x.id === 'garden')?.collected);
        expect(await garden(FIXTURES.millLane22)).toBe(true);
        expect(await garden(FIXTURES.millLane14)).toBe(false);
      });

      it('refuses a property it does not hold', async () => {
        await expect(p.bins.nextCollections('99999999', NOW)).rejects.toBeInstanceOf(UnknownPropertyError);
      });

      it('records a missed bin once, with an MB- reference, and finds it again', async () => {
        const input = {
          propertyId: FIXTURES.millLane14,
          stream: 'refuse',
          collectionDate: '2026-11-23',
          returnBy: '2026-11-25',
          channel: 'web',
        };
        const first = await p.missed.report(input);
        expect(first).toMatchObject({
          reference: expect.stringMatching(/^MB-\d{6}$/),
          created: true,
          returnBy: '2026-11-25',
        });
        expect(await p.missed.report(input)).toMatchObject({ reference: first.reference, created: false });
        expect((await p.missed.findForCollection(FIXTURES.millLane14, 'refuse', '2026-11-23'))?.reference).toBe(
          first.reference,
        );
        expect(await p.missed.findForCollection(FIXTURES.millLane14, 'refuse', '2026-11-16')).toBeNull();
      });
    });

    describe('council tax', () => {
      it("gives a property's band and charge, and null for one it does not hold", async () => {
        expect(await p.councilTax.bandFor(FIXTURES.highStreet1)).toEqual({
          propertyId: FIXTURES.highStreet1,
          address: '1 High Street, Demoford, DF1 1AA',
          band: 'C',
          annualCharge: 202667,
          year: '2026/27',
        });
        expect(await p.councilTax.bandFor('99999999')).toBeNull();
        expect((await p.councilTax.charges()).bands.map((b) => b.band)).toEqual([
          'A',
          'B',
          'C',
          'D',
          'E',
          'F',
          'G',
          'H',
        ]);
      });

      it('matches an account only with its own postcode', async () => {
        const account = await p.accounts.match('50001234', 'DF1 1AA', NOW);
        expect(account).toMatchObject({ accountNumber: '50001234', propertyId: FIXTURES.highStreet1, year: '2026/27' });
        expect(await p.accounts.match('50001234', 'DF2 4QT', NOW)).toBeNull();
        expect(await p.accounts.match('99999999', 'DF1 1AA', NOW)).toBeNull();
        expect((await p.accounts.get('50001234', NOW))?.balance).toBe(account?.balance);
      });
    });

    describe('cases', () => {
      it('opens a case with an HC- reference that one agent can claim and close', async () => {
        const { reference } = await p.cases.open(
          {
            kind: 'callback',
            topic: 'single_person_discount',
            priority: 'normal',
            channel: 'web',
            conversationId: `contract-${name}`,
            verified: false,
            details: { when: 'morning' },
          },
          NOW,
        );
        expect(reference).toMatch(/^HC-\d{6}$/);
        expect(await p.cases.get(reference)).toMatchObject({
          reference,
          status: 'open',
          kind: 'callback',
          details: { when: 'morning' },
        });
        expect((await p.cases.listOpenOfKind('callback')).map((c) => c.reference)).toContain(reference);
        expect((await p.cases.listOpen()).map((c) => c.reference)).toContain(reference);
        expect(await p.cases.claim(reference, 'agent-1', NOW)).toEqual({ ok: true });
        expect(await p.cases.claim(reference, 'agent-2', NOW)).toEqual({ ok: false, reason: 'claimed' });
        expect(await p.cases.close(reference, NOW, 'resolved')).toBe(true);
        expect(await p.cases.get(reference)).toMatchObject({
          status: 'closed',
          outcome: 'resolved',
          claimedBy: 'agent-1',
        });
        expect(await p.cases.get('HC-000000')).toBeNull();
        expect(await p.cases.claim('HC-000000', 'agent-1', NOW)).toEqual({ ok: false, reason: 'missing' });
      });
    });

    describe('tip permits', () => {
      const request = (overrides: Record<string, unknown> = {}) => ({
        propertyId: FIXTURES.highStreet1,
        registration: 'ab12 cde',
        vehicleType: 'van',
        siteId: 'quarry-road',
        date: '2026-11-26',
        window: 'morning',
        channel: 'webchat',
        idempotencyKey: `contract-${name}-1`,
        declaredNoTradeWaste: true,
        now: NOW,
        ...overrides,
      });

      it('offers slots, issues a permit once per key, and finds it only with its postcode', async () => {
        const slots = await p.permits.availableSlots({ siteId: 'quarry-road', from: '2026-11-23', days: 7, now: NOW });
        expect(slots.length).toBeGreaterThan(0);
        const issued = await p.permits.issue(request());
        if (!issued.ok) throw new Error(issued.message);
        expect(issued.permit).toMatchObject({
          reference: expect.stringMatching(/^TP-\d{6}$/),
          registration: 'AB12CDE',
          status: 'booked',
        });
        const again = await p.permits.issue(request());
        expect(again).toMatchObject({ ok: true, created: false, permit: { reference: issued.permit.reference } });
        expect((await p.permits.findByReference(issued.permit.reference, 'df1 1aa'))?.reference).toBe(
          issued.permit.reference,
        );
        expect(await p.permits.findByReference(issued.permit.reference, 'DF2 4QT')).toBeNull();
        expect((await p.permits.visitsUsed(FIXTURES.highStreet1, NOW)).used).toBe(1);
      });

      it('finds a permit by the phone it was booked with and by its address, and changes it', async () => {
        const issued = await p.permits.issue(
          request({ propertyId: FIXTURES.millLane22, phone: '07700 900123', idempotencyKey: `contract-${name}-5` }),
        );
        if (!issued.ok) throw new Error(issued.message);
        const reference = issued.permit.reference;
        expect((await p.permits.findForPhone('+447700900123')).map((x) => x.reference)).toContain(reference);
        expect((await p.permits.findForProperty(FIXTURES.millLane22)).map((x) => x.reference)).toContain(reference);
        const credentials = { phone: '07700900123' };
        expect(await p.permits.changeRegistration(reference, credentials, 'xy12 zzz', NOW)).toMatchObject({
          ok: true,
          permit: { registration: 'XY12ZZZ' },
        });
        expect(
          await p.permits.changeDate(reference, credentials, { date: '2026-11-27', window: 'afternoon' }, NOW),
        ).toMatchObject({
          ok: true,
          permit: { date: '2026-11-27', window: 'afternoon' },
        });
      });

      it("refuses in the council's words: trade waste, a full allowance's rules, a second cancel", async () => {
        const trade = await p.permits.issue(
          request({ declaredNoTradeWaste: false, idempotencyKey: `contract-${name}-2` }),
        );
        expect(trade).toMatchObject({
          ok: false,
          reason: 'trade_waste',
          message: expect.stringMatching(/household waste only/),
        });
        const past = await p.permits.issue(request({ date: '2026-11-20', idempotencyKey: `contract-${name}-3` }));
        expect(past).toMatchObject({
          ok: false,
          reason: 'in_past',
          message: expect.stringMatching(/has already passed/),
        });

        const issued = await p.permits.issue(
          request({ propertyId: FIXTURES.millLane14, idempotencyKey: `contract-${name}-4` }),
        );
        if (!issued.ok) throw new Error(issued.message);
        const credentials = { postcode: 'DF2 4QT' };
        expect(await p.permits.cancel(issued.permit.reference, credentials, NOW)).toMatchObject({
          ok: true,
          permit: { status: 'cancelled' },
        });
        expect(await p.permits.cancel(issued.permit.reference, credentials, NOW)).toMatchObject({
          ok: false,
          reason: 'already_cancelled',
          message: expect.stringContaining(issued.permit.reference),
        });
        expect(await p.permits.cancel('TP-000000', credentials, NOW)).toMatchObject({ ok: false, reason: 'not_found' });
      });
    });

    it.runIf(name === 'http')('spoke only the API that docs/back-office-api.yaml documents, and used all of it', () => {
      const operations = documentedOperations();
      const seen = new Set<string>();
      for (const request of under.requests ?? []) {
        const [method, path] = request.split(' ');
        const operation = operations.find((o) => o.method === method && o.path.test(path ?? ''));
        expect(operation, `${request} is not in the API document`).toBeDefined();
        if (operation) seen.add(operation.name);
      }
      expect(operations.length).toBeGreaterThan(20);
      expect(operations.map((o) => o.name).filter((n) => !seen.has(n))).toEqual([]);
    });
  });
}
