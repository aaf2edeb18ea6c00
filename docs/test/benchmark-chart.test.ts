/**
 * The benchmark chart as a reader sees it: docs/public/benchmarks.svg rendered by headless
 * Chromium at the width of the docs' content column. Nothing may be cut off, shrunk or
 * overlapping, and every bar must carry its value in writing (an <img> shows no tooltip).
 * The screenshot is kept in the system's temp directory for a person to look at.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openInChromium } from '@wirekit/platforms';
import { describe, expect, it } from 'vitest';

/** VitePress' default theme: the content column beside the sidebar is 688 px at most. */
const PAGE_WIDTH = 688;

interface Box {
  readonly text: string;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

describe('the benchmark chart (docs/public/benchmarks.svg) in Chromium', () => {
  it('fits the page width unshrunk, with every value written and no text cut off or overlapping', async () => {
    const svg = readFileSync(new URL('../public/benchmarks.svg', import.meta.url), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'wirekit-chart-'));
    const page = join(dir, 'page.html');
    writeFileSync(page, `<!doctype html><html><body style="margin:0;background:#fff"><div id="column" style="width:${PAGE_WIDTH}px">${svg}</div></body></html>`);
    const run = await openInChromium(pathToFileURL(page).href);
    try {
      await run.page.setViewportSize({ width: PAGE_WIDTH, height: 800 });
      const layout = await run.page.evaluate(() => {
        const root = document.querySelector('svg')!;
        const frame = root.getBoundingClientRect();
        const box = (element: Element) => {
          const rect = element.getBoundingClientRect();
          return { text: element.textContent ?? '', left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
        };
        return {
          width: frame.width,
          declaredWidth: Number(root.getAttribute('width')),
          frame: { left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom },
          texts: Array.from(root.querySelectorAll('text')).map(box),
          bars: Array.from(root.querySelectorAll('rect.bar')).map(box),
          values: Array.from(root.querySelectorAll('text.value')).map(box),
        };
      });
      expect(layout.width, 'drawn at its own width, not scaled down').toBe(layout.declaredWidth);
      expect(layout.width).toBeLessThanOrEqual(PAGE_WIDTH);
      const inside = (b: Box) => b.left >= layout.frame.left && b.right <= layout.frame.right + 0.5 && b.top >= layout.frame.top && b.bottom <= layout.frame.bottom + 0.5;
      for (const text of layout.texts) expect(inside(text), `"${text.text}" lies inside the chart`).toBe(true);
      const overlap = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      for (let i = 0; i < layout.texts.length; i++) {
        for (let j = i + 1; j < layout.texts.length; j++) {
          const [a, b] = [layout.texts[i]!, layout.texts[j]!];
          expect(overlap(a, b), `"${a.text}" and "${b.text}" overlap`).toBe(false);
        }
      }
      // One written value per bar, right of its bar's end (no bar is clipped to make room).
      expect(layout.bars.length).toBeGreaterThan(0);
      expect(layout.values).toHaveLength(layout.bars.length);
      layout.bars.forEach((bar, index) => {
        expect(layout.values[index]!.left).toBeGreaterThanOrEqual(bar.right);
        expect(layout.values[index]!.text).toMatch(/\d/);
      });
      for (const text of layout.texts) expect(text.bottom - text.top, `"${text.text}" is legible`).toBeGreaterThanOrEqual(10);
      const shot = join(dir, 'benchmarks.png');
      await run.page.locator('svg').screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await run.close();
    }
  }, 60_000);
});
