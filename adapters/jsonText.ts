/**
 * Parses a JSON request body with a cap on nesting. JSON.parse itself copes with deep nesting,
 * but everything after it (validation, storage, logging, replay to a socket) walks the value
 * recursively: a body nested thousands deep then fails with a stack overflow as a 500, or
 * holds memory long after. Nothing a real client sends is more than a few levels deep, so
 * deeper bodies are refused before they are parsed, by one linear scan of the text.
 */
export const MAX_JSON_DEPTH = 400;

export type JsonText = { ok: true; value: unknown } | { ok: false; reason: 'syntax' | 'depth' };

/** True when arrays and objects in `text` nest deeper than `maxDepth` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonText {
  if (nestsDeeperThan(text, maxDepth)) return { ok: false, reason: 'depth' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'syntax' };
  }
}
