/**
 * The back-office ports two ways for the contract suite: the embedded implementations over the
 * demo data and a fresh database, and the HTTP implementations talking to a fake server that
 * speaks the back-office API (itself answered by embedded implementations over their own
 * database). The same checks run against both.
 */
import { BackOfficeHttp } from '../../../services/backOffice/httpClient.js';
import { HttpAddressLookup } from '../../../services/backOffice/http/httpAddressLookup.js';
import { HttpBinCollections, HttpMissedCollections } from '../../../services/backOffice/http/httpBinCollections.js';
import { HttpCases } from '../../../services/backOffice/http/httpCases.js';
import { HttpAccountLookup, HttpCouncilTaxRecords } from '../../../services/backOffice/http/httpCouncilTax.js';
import { HttpPermits } from '../../../services/backOffice/http/httpPermits.js';
import type { BackOfficePort } from '../../../services/backOffice/unavailable.js';
import { DatabaseMissedCollections } from '../../../services/bins/databaseMissedCollections.js';
import { DbCases } from '../../../services/cases/dbCases.js';
import { loadCouncilTaxData } from '../../../services/councilTax/councilTaxData.js';
import { EmbeddedAccountLookup } from '../../../services/councilTax/embeddedAccountLookup.js';
import { EmbeddedCouncilTaxRecords } from '../../../services/councilTax/embeddedCouncilTaxRecords.js';
import { DatabasePermits } from '../../../services/tip/databasePermits.js';
import { PermitPolicy } from '../../../services/tip/permitPolicy.js';
import { openDatabase } from '../../../store/database.js';
import { sqliteTestDatabase } from '../../helpers/databases.js';
import { startFakeBackOffice, type FakeBackOffice, type FakeBackOfficePorts } from '../../helpers/fakeBackOffice.js';
import { DEMO_DIR, demo } from '../demoData.js';
import { sites, tipData } from '../../tip/tipFixtures.js';

export const councilTaxData = loadCouncilTaxData(DEMO_DIR, demo.gazetteer);
export const permitPolicy = new PermitPolicy(tipData.policy, sites);

export interface PortsUnderTest {
  ports: FakeBackOfficePorts;
  /** For the HTTP implementations: every request the API server saw ("GET /addresses"). */
  requests?: string[];
  close(): Promise<void>;
}

/** The demo council's own implementations over a fresh database. */
export async function embeddedPorts(): Promise<PortsUnderTest> {
  const testDb = sqliteTestDatabase();
  const database = await openDatabase(testDb.url);
  const db = database.db;
  return {
    ports: {
      addresses: demo.addressLookup,
      bins: demo.binCollections,
      missed: new DatabaseMissedCollections(db),
      councilTax: new EmbeddedCouncilTaxRecords(demo.gazetteer, councilTaxData),
      accounts: new EmbeddedAccountLookup(councilTaxData),
      cases: new DbCases(db),
      permits: new DatabasePermits({ db, addresses: demo.addressLookup, sites, policy: tipData.policy }),
    },
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}

/** A client for one port of a back office at `url`: one retry, and a timeout generous enough for a busy test machine. */
export function client(port: BackOfficePort, url: string, timeoutMs = 15_000): BackOfficeHttp {
  return new BackOfficeHttp(port, { baseUrl: url, timeoutMs, retries: 1, retryMinMs: 10 });
}

/** The HTTP implementations against the fake API server, which the embedded ones answer. */
export async function httpPorts(): Promise<PortsUnderTest & { server: FakeBackOffice }> {
  const behind = await embeddedPorts();
  const server = await startFakeBackOffice(behind.ports);
  return {
    server,
    requests: server.requests,
    ports: {
      addresses: new HttpAddressLookup(client('addresses', server.url)),
      bins: new HttpBinCollections(client('bins', server.url)),
      missed: new HttpMissedCollections(client('bins', server.url)),
      councilTax: new HttpCouncilTaxRecords(client('councilTax', server.url)),
      accounts: new HttpAccountLookup(client('councilTax', server.url)),
      cases: new HttpCases(client('cases', server.url)),
      permits: new HttpPermits(client('permits', server.url), permitPolicy),
    },
    close: async () => {
      await server.stop();
      await behind.close();
    },
  };
}
