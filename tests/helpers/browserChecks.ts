/**
 * What every browser test of a page checks the same way: axe-core's accessibility rules (0
 * violations, named when there are any) and screenshots kept as test artefacts in
 * var/test-artefacts/ (gitignored), so a failed run shows what the browser saw.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const ARTEFACTS = join(process.cwd(), 'var', 'test-artefacts');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe's violations on the page as it is now, as "rule: selector" lines (empty when none). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}

export async function keepScreenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const path = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
