/**
 * Demoford's data with the contact centre staffed round the clock, for tests of real processes
 * (which run on the real clock): a handoff then always reaches the queue, whatever the hour CI runs.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function alwaysOpenDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'council-data-'));
  cpSync('data/demo', dir, { recursive: true });
  const file = join(dir, 'contact-centre.json');
  const centre = JSON.parse(readFileSync(file, 'utf8')) as {
    hours: { weekly: Record<string, unknown>; closedDates: string[]; description: string };
  };
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) centre.hours.weekly[day] = ['00:00', '24:00'];
  centre.hours.closedDates = [];
  centre.hours.description = 'every day, round the clock';
  writeFileSync(file, JSON.stringify(centre, null, 2));
  return dir;
}
