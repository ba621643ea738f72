/**
 * `npm run scenarios`: runs the council's resident scenarios (the data folder's `scenarios/`,
 * COUNCIL_DATA_DIR or the demo council's) on the web and by SMS, then prints the share fully
 * right per job and channel and every failure. `-- --only <text>` runs the scenarios whose
 * name or job contains the text. Exits 1 when any channel is under `--min` percent (default 95).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenarios } from './scenarioFile.js';
import { formatShare, runScenarios, sharesOf } from './runScenarios.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    min: { type: 'string', default: '95' },
    verbose: { type: 'boolean', default: false },
  },
});
const dataDir = process.env.COUNCIL_DATA_DIR ?? join(import.meta.dirname, '..', '..', 'data', 'demo');
const all = loadScenarios(join(dataDir, 'scenarios'));
const only = values.only?.toLowerCase();
const scenarios = only ? all.filter((s) => `${s.job} ${s.name}`.toLowerCase().includes(only)) : all;

const started = Date.now();
const results = await runScenarios(scenarios, { COUNCIL_DATA_DIR: dataDir }, (result) => {
  if (values.verbose)
    process.stderr.write(
      `${result.ok ? 'ok  ' : 'FAIL'} ${result.channel} ${result.scenario.job}: ${result.scenario.name}\n`,
    );
});

console.log(
  `${scenarios.length} scenarios, ${results.length} conversations in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
const rows = sharesOf(results);
for (const row of rows) console.log(formatShare(row));
const failures = results.filter((r) => !r.ok);
if (failures.length) {
  console.log(`\nNot fully right (${failures.length}):`);
  for (const failure of failures)
    console.log(
      `- [${failure.channel}] ${failure.scenario.job}: ${failure.scenario.name} (${failure.scenario.file})\n    ${failure.failure}`,
    );
}
const min = Number(values.min);
const under = rows.filter((row) => row.job === 'all' && (100 * row.right) / row.total < min);
process.exitCode = under.length ? 1 : 0;
