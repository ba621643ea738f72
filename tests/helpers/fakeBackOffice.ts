/**
 * A local server speaking the back-office API (docs/back-office-api.yaml), answered by the
 * embedded implementations over the demo council's data and a test database: what a council's
 * own system would answer, for the contract suite and for whole-assistant tests. Binds port 0.
 * `stop()` closes it, so a test can see the assistant with its back office down.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import type { BinCollections } from '../../services/bins/binCollections.js';
import { UnknownPropertyError } from '../../services/bins/binCollections.js';
import type { MissedCollections } from '../../services/bins/missedCollections.js';
import type { Cases, NewCase } from '../../services/cases/cases.js';
import type { AccountLookup } from '../../services/councilTax/accountLookup.js';
import type { CouncilTaxRecords } from '../../services/councilTax/councilTaxRecords.js';
import type { IssueRequest, PermitCredentials, Permits } from '../../services/tip/permits.js';

export interface FakeBackOfficePorts {
  addresses: AddressLookup;
  bins: BinCollections;
  missed: MissedCollections;
  councilTax: CouncilTaxRecords;
  accounts: AccountLookup;
  cases: Cases;
  permits: Permits;
}

export interface FakeBackOffice {
  url: string;
  /** Requests seen, "GET /addresses" style, for tests that check what was (not) sent. */
  requests: string[];
  stop(): Promise<void>;
}

class NotFound extends Error {}

type Body = Record<string, unknown>;
type Handler = (match: string[], query: URLSearchParams, body: Body) => Promise<unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const found = <T>(value: T | null | undefined): T => {
  if (value === null || value === undefined) throw new NotFound();
  return value;
};
const param = (query: URLSearchParams, name: string): string => query.get(name) ?? '';
const at = (value: unknown): Date => new Date(text(value));

function routes(ports: FakeBackOfficePorts): [string, RegExp, Handler][] {
  const property = (id: string | undefined) => id ?? '';
  const known = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UnknownPropertyError) throw new NotFound();
      throw error;
    }
  };
  return [
    [
      'GET',
      /^\/addresses$/,
      async (_m, q) => ({ properties: await ports.addresses.findByPostcode(param(q, 'postcode')) }),
    ],
    ['GET', /^\/addresses\/([^/]+)$/, async ([id]) => found(await ports.addresses.getProperty(property(id)))],
    ['GET', /^\/coverage$/, async (_m, q) => ({ covered: await ports.addresses.coversPostcode(param(q, 'postcode')) })],

    [
      'GET',
      /^\/properties\/([^/]+)\/bin-streams$/,
      async ([id]) => ({ streams: await known(() => ports.bins.streamsFor(property(id))) }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/bin-collections\/next$/,
      async ([id], q) => ({
        collections: await known(() => ports.bins.nextCollections(property(id), at(param(q, 'now')))),
      }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/bin-collections\/last$/,
      async ([id], q) => ({
        collection: await known(() =>
          ports.bins.lastScheduledCollection(property(id), param(q, 'stream'), at(param(q, 'now'))),
        ),
      }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/bin-collections\/due$/,
      async ([id], q) => ({
        due: await known(() => ports.bins.wasDue(property(id), param(q, 'stream'), param(q, 'date'))),
      }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/bin-collections$/,
      async ([id], q) => ({
        collections: await known(() =>
          ports.bins.scheduledCollections(property(id), param(q, 'stream'), param(q, 'from'), param(q, 'to')),
        ),
      }),
    ],
    ['POST', /^\/missed-collections$/, async (_m, _q, body) => ports.missed.report(body as never)],
    [
      'GET',
      /^\/missed-collections$/,
      async (_m, q) => ({
        report: await ports.missed.findForCollection(
          param(q, 'propertyId'),
          param(q, 'stream'),
          param(q, 'collectionDate'),
        ),
      }),
    ],

    [
      'GET',
      /^\/council-tax\/properties\/([^/]+)\/band$/,
      async ([id]) => found(await ports.councilTax.bandFor(property(id))),
    ],
    ['GET', /^\/council-tax\/charges$/, async () => ports.councilTax.charges()],
    [
      'POST',
      /^\/council-tax\/accounts\/match$/,
      async (_m, _q, body) => ({
        account: await ports.accounts.match(text(body.accountNumber), text(body.postcode), new Date()),
      }),
    ],
    [
      'POST',
      /^\/council-tax\/accounts\/lookup$/,
      async (_m, _q, body) => ({ account: await ports.accounts.get(text(body.accountNumber), new Date()) }),
    ],

    [
      'POST',
      /^\/cases$/,
      async (_m, _q, body) => {
        const { at: when, ...input } = body;
        return ports.cases.open(input as unknown as NewCase, at(when));
      },
    ],
    [
      'GET',
      /^\/cases$/,
      async (_m, q) => {
        const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
        const kind = q.get('kind');
        return { cases: kind ? await ports.cases.listOpenOfKind(kind, limit) : await ports.cases.listOpen(limit) };
      },
    ],
    ['GET', /^\/cases\/([^/]+)$/, async ([reference]) => found(await ports.cases.get(reference ?? ''))],
    [
      'POST',
      /^\/cases\/([^/]+)\/claim$/,
      async ([reference], _q, body) => {
        const result = await ports.cases.claim(reference ?? '', text(body.agentId), at(body.at));
        if (!result.ok && result.reason === 'missing') throw new NotFound();
        return result;
      },
    ],
    [
      'POST',
      /^\/cases\/([^/]+)\/close$/,
      async ([reference], _q, body) => ({
        closed: await ports.cases.close(
          reference ?? '',
          at(body.at),
          typeof body.outcome === 'string' ? body.outcome : undefined,
        ),
      }),
    ],

    [
      'GET',
      /^\/tip-sites\/([^/]+)\/slots$/,
      async ([siteId], q) => ({
        slots: await ports.permits.availableSlots({
          siteId: siteId ?? '',
          from: param(q, 'from'),
          days: Number(param(q, 'days')),
          now: at(param(q, 'now')),
        }),
      }),
    ],
    [
      'POST',
      /^\/permits$/,
      async (_m, _q, body) => ports.permits.issue({ ...(body as unknown as IssueRequest), now: at(body.now) }),
    ],
    [
      'POST',
      /^\/permits\/find$/,
      async (_m, _q, body) => ({
        permit: await ports.permits.findByReference(text(body.reference), text(body.postcode)),
      }),
    ],
    [
      'POST',
      /^\/permits\/for-phone$/,
      async (_m, _q, body) => ({ permits: await ports.permits.findForPhone(text(body.phone)) }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/permits$/,
      async ([id]) => ({ permits: await ports.permits.findForProperty(property(id)) }),
    ],
    [
      'GET',
      /^\/properties\/([^/]+)\/permit-visits$/,
      async ([id], q) => ports.permits.visitsUsed(property(id), at(param(q, 'now'))),
    ],
    [
      'POST',
      /^\/permits\/([^/]+)\/cancel$/,
      async ([reference], _q, body) =>
        ports.permits.cancel(reference ?? '', body.credentials as PermitCredentials, at(body.now)),
    ],
    [
      'POST',
      /^\/permits\/([^/]+)\/date$/,
      async ([reference], _q, body) =>
        ports.permits.changeDate(
          reference ?? '',
          body.credentials as PermitCredentials,
          body.to as { date: string; window: string },
          at(body.now),
        ),
    ],
    [
      'POST',
      /^\/permits\/([^/]+)\/registration$/,
      async ([reference], _q, body) =>
        ports.permits.changeRegistration(
          reference ?? '',
          body.credentials as PermitCredentials,
          text(body.registration),
          at(body.now),
        ),
    ],
  ];
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? (JSON.parse(raw) as Body) : {};
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startFakeBackOffice(
  ports: FakeBackOfficePorts,
  options: { basePath?: string } = {},
): Promise<FakeBackOffice> {
  const basePath = options.basePath ?? '/v1';
  const table = routes(ports);
  const requests: string[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
      requests.push(`${request.method} ${path}`);
      const route = table.find(([method, pattern]) => method === request.method && pattern.test(path));
      if (!route) return send(response, 404, { error: 'no such route' });
      try {
        const body = request.method === 'POST' ? await readBody(request) : {};
        const match = route[1].exec(path)?.slice(1).map(decodeURIComponent) ?? [];
        send(response, 200, await route[2](match, url.searchParams, body));
      } catch (error) {
        if (error instanceof NotFound) return send(response, 404, { error: 'not found' });
        send(response, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
