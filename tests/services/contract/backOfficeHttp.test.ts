/**
 * How the back-office client behaves when the council's system misbehaves: every failure is a
 * BackOfficeUnavailableError naming the port (never an HTTP status or a crash), reads are retried
 * and changes are not, a slow answer is cut off, and a wrong answer is refused. The settings that
 * choose an implementation are checked at start, naming the variable.
 */
import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bot/config.js';
import { HttpAddressLookup } from '../../../services/backOffice/http/httpAddressLookup.js';
import { HttpCases } from '../../../services/backOffice/http/httpCases.js';
import { BackOfficeUnavailableError } from '../../../services/backOffice/unavailable.js';
import { client } from './backOfficePorts.js';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});

/** A server answering every request with `handler`, counting them. */
async function misbehaving(handler: RequestListener): Promise<{ url: string; count: () => number }> {
  let count = 0;
  const server = createServer((request, response) => {
    count += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, count: () => count };
}

function answer(response: ServerResponse, status: number, body?: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

const aCase = {
  kind: 'callback',
  topic: 't',
  priority: 'normal' as const,
  channel: 'web',
  conversationId: 'c',
  verified: false,
  details: {},
};

describe('the back-office client', () => {
  it('retries a read the system failed (5xx) and then reports the port unavailable', async () => {
    const server = await misbehaving((_req, res) => answer(res, 503));
    const error = await new HttpAddressLookup(client('addresses', server.url))
      .getProperty('10001001')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackOfficeUnavailableError);
    expect(error).toMatchObject({ port: 'addresses', failure: 'refused' });
    expect(server.count()).toBe(2);
  });

  it('never retries a change, which might have been made before the answer was lost', async () => {
    const server = await misbehaving((_req, res) => answer(res, 503));
    await expect(new HttpCases(client('cases', server.url)).open(aCase, new Date())).rejects.toMatchObject({
      port: 'cases',
      failure: 'refused',
    });
    expect(server.count()).toBe(1);
  });

  it('gives up on a system that does not answer in time', async () => {
    const server = await misbehaving(() => undefined);
    const addresses = new HttpAddressLookup(client('addresses', server.url, 200));
    await expect(addresses.coversPostcode('DF1 1AA')).rejects.toMatchObject({ failure: 'timeout' });
  });

  it('refuses an answer that is not what the API promises, without retrying it', async () => {
    const server = await misbehaving((_req, res) => answer(res, 200, '{"properties":[{"id":1}]}'));
    await expect(
      new HttpAddressLookup(client('addresses', server.url)).findByPostcode('DF1 1AA'),
    ).rejects.toMatchObject({ failure: 'bad_response' });
    expect(server.count()).toBe(1);
  });

  it('reports a system that cannot be reached at all', async () => {
    const server = await misbehaving(() => undefined);
    await Promise.all(stops.map((stop) => stop()));
    stops = [];
    await expect(new HttpAddressLookup(client('addresses', server.url)).getProperty('1')).rejects.toMatchObject({
      port: 'addresses',
      failure: 'network',
    });
  });

  it('takes 404 as "no such record", not as a failure', async () => {
    const server = await misbehaving((_req, res) => answer(res, 404));
    expect(await new HttpAddressLookup(client('addresses', server.url)).getProperty('99999999')).toBeNull();
  });
});

describe('back-office settings', () => {
  it('uses the data folder unless told otherwise', () => {
    expect(loadConfig({}).BACK_OFFICE_COUNCIL_TAX).toBe('embedded');
  });

  it('stops the start naming the variable for a wrong choice or a missing URL', () => {
    expect(() => loadConfig({ BACK_OFFICE_BINS: 'remote' })).toThrow(ConfigError);
    expect(() => loadConfig({ BACK_OFFICE_BINS: 'remote' })).toThrow(/BACK_OFFICE_BINS: must be embedded or http/);
    expect(() => loadConfig({ BACK_OFFICE_CASES: 'http' })).toThrow(
      /BACK_OFFICE_CASES_URL: required \(or BACK_OFFICE_URL\)/,
    );
    expect(() => loadConfig({ BACK_OFFICE_URL: 'not a url' })).toThrow(/BACK_OFFICE_URL/);
    expect(
      loadConfig({ BACK_OFFICE_CASES: 'http', BACK_OFFICE_URL: 'https://crm.example.gov.uk/v1' }).BACK_OFFICE_CASES,
    ).toBe('http');
  });
});
