/**
 * Quoting what a resident typed back to them. Web Chat renders the assistant's messages as
 * markdown, so a quoted "[Pay now](https://evil.example)" would become a link inside the
 * council's own bubble. Every markdown character is escaped (shown as typed, never
 * interpreted), line breaks become spaces, and the quote is cut to `max` characters.
 */
const MARKDOWN = /[\\`*_{}[\]()#+\-.!|<>~]/g;

export function quoteTyped(text: string, max: number): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .replace(MARKDOWN, (c) => `\\${c}`);
}
