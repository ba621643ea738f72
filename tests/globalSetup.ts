/**
 * Builds the intent model once before any test starts an assistant. Without it, the first
 * suites to start (in parallel workers, and in child processes with their own start-up
 * deadlines) would each train it at the same time.
 */
import { CouncilRecognizer } from '../intents/recogniser.js';

export default async function setup(): Promise<void> {
  await CouncilRecognizer.load();
}
