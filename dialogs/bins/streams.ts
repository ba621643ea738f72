/**
 * Which bin a resident means, in their words: "recycling", "the blue one", "black bin",
 * "food caddy". Words come from the council's streams.json (name and container), so a
 * council with a purple bin needs no code change.
 */
import type { PropertyStream } from '../../services/bins/types.js';

const IGNORED = new Set(['bin', 'bins', 'the', 'waste', 'my', 'a', 'one', 'box']);

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !IGNORED.has(w));
}

/** The one stream the text names, or undefined when it names none or several. */
export function streamNamedIn(text: string, streams: PropertyStream[]): PropertyStream | undefined {
  const said = new Set(wordsOf(text));
  const named = streams.filter((stream) =>
    [stream.id, ...wordsOf(stream.name), ...wordsOf(stream.container)].some((w) => said.has(w)),
  );
  return named.length === 1 ? named[0] : undefined;
}

export function streamLabel(stream: PropertyStream): string {
  const name = stream.name.charAt(0).toUpperCase() + stream.name.slice(1);
  return `${name} (${stream.container})`;
}
