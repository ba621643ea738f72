/**
 * Loads a council's address and bin collection data from data/<council>/ and builds the
 * embedded services over it. Any invalid file stops start-up with a DataFileError naming the
 * file and record. A council with its own back-office systems builds its implementations of
 * the same ports instead.
 */
import { join } from 'node:path';
import type { AddressLookup } from '../addresses/addressLookup.js';
import { EmbeddedAddressLookup } from '../addresses/embeddedAddressLookup.js';
import { loadGazetteer, type Gazetteer } from '../addresses/gazetteer.js';
import type { BinCollections } from '../bins/binCollections.js';
import { loadBinData, type BinData } from '../bins/binData.js';
import { EmbeddedBinCollections } from '../bins/embeddedBinCollections.js';
import { MissedReportPolicy, missedReportRules } from '../bins/missedReportPolicy.js';
import { WorkingDays } from '../bins/workingDays.js';
import { DataFileError } from './loadDataFile.js';

export interface CouncilData {
  gazetteer: Gazetteer;
  bins: BinData;
  addressLookup: AddressLookup;
  binCollections: BinCollections;
  missedReportPolicy: MissedReportPolicy;
  workingDays: WorkingDays;
}

export function loadDemoCouncilData(dir: string): CouncilData {
  const gazetteer = loadGazetteer(join(dir, 'gazetteer.csv'));
  const bins = loadBinData(join(dir, 'bins'));

  // Every property must be on a round the bins data knows, or its bin days would be blank.
  const problems = gazetteer.entries
    .filter((entry) => !bins.rounds.has(entry.roundId))
    .map(
      (entry) =>
        `row ${entry.source.row} (property ${entry.property.id}): round_id: "${entry.roundId}" is not a round in ${bins.files.rounds}`,
    );
  const first = gazetteer.entries[0];
  if (problems.length > 0 && first) throw new DataFileError(first.source.file, problems);

  const binCollections = new EmbeddedBinCollections(gazetteer, bins);
  const workingDays = new WorkingDays(bins.bankHolidays);
  return {
    gazetteer,
    bins,
    addressLookup: new EmbeddedAddressLookup(gazetteer),
    binCollections,
    missedReportPolicy: new MissedReportPolicy(binCollections, missedReportRules(bins.rules), workingDays),
    workingDays,
  };
}
