/** Settings that decide what is exposed: the demo page is off by default in production; TRUST_PROXY is checked. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';

describe('security settings', () => {
  it('serves the demo page (which mints tokens for anyone) by default, except in production', () => {
    expect(loadConfig({}).DEMO_PAGE).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).DEMO_PAGE).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_PAGE: 'true' }).DEMO_PAGE).toBe(true);
    expect(loadConfig({ DEMO_PAGE: '' }).DEMO_PAGE).toBe(true);
  });

  it('reads TRUST_PROXY as a number of proxies, true meaning one', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
  });
});
