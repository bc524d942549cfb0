import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { publishScores } from '../../src/score/publish.ts';
import { scoreTiny } from './fixture.ts';

// The page functions below run in the browser (serialized by playwright); this project's tsconfig
// has no DOM typings, so they reach window, document and DOMParser through `globalThis as any`.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('latest.html and warning-levels.qml in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firerisk-html-'));
    await publishScores([await scoreTiny()], dir);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every cell from file:// without any request outside the file', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'latest.html')).href);
    await page.waitForFunction(() => (globalThis as any).fireriskMap !== undefined);
    expect(errors).toEqual([]);
    expect(await page.locator('path.leaflet-interactive').count()).toBe(9);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    // the red cell is filled with the level-I colour
    expect(await page.locator('path.leaflet-interactive[fill="#e60000"]').count()).toBe(1);
    await expect(page.locator('#header').innerText()).resolves.toMatch(/2026-01-15[\s\S]*fixture-glm-1/);
    await expect(page.locator('.legend').innerText()).resolves.toMatch(/I red \(highest\) \(1\)[\s\S]*no warning \(3\)/);
    await page.close();
  });

  it('shows a popup with the numbers and drivers of the clicked cell', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    await page.goto(pathToFileURL(join(dir, 'latest.html')).href);
    await page.waitForFunction(() => (globalThis as any).fireriskMap !== undefined);
    // centre of cell r0002c0002 (the red one): lon 106.4125, lat 29.8125
    const point = await page.evaluate(() => {
      const g = (globalThis as any);
      const p = g.fireriskMap.map.latLngToContainerPoint([29.8125, 106.4125]);
      const box = g.document.getElementById('map').getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(point.x, point.y);
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor();
    const text = await popup.innerText();
    expect(text).toContain('Cell r0002c0002');
    expect(text).toMatch(/risk \(P ≥ 1 fire\)\s+2\.42 %/);
    expect(text).toMatch(/expected fires\s+0\.0245325/);
    expect(text).toMatch(/warning\s+I \(red\)/);
    expect(text).toMatch(/rank\s+1 of 9/);
    expect(text).toMatch(/driver 1\s+x0 ▲ 2\.4/);
    expect(text).toMatch(/crowd_imputed\s+yes/);
    await page.close();
  });

  it('writes a QML style that parses as XML with a categorized renderer on warning_level', async () => {
    const page = await browser.newPage();
    const qml = readFileSync(join(dir, 'warning-levels.qml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new ((globalThis as any).DOMParser)().parseFromString(text, 'application/xml');
      const renderer = doc.querySelector('renderer-v2');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        type: renderer?.getAttribute('type'),
        attr: renderer?.getAttribute('attr'),
        categories: [...doc.querySelectorAll('categories > category')].map((c: any) => c.getAttribute('value')),
        colors: [...doc.querySelectorAll('symbols > symbol')].map((s: any) => s.querySelector('Option[name="color"]')?.getAttribute('value')),
      };
    }, qml);
    expect(parsed.error).toBeNull();
    expect(parsed.type).toBe('categorizedSymbol');
    expect(parsed.attr).toBe('warning_level');
    expect(parsed.categories).toEqual(['I', 'II', 'III', 'IV', '']);
    expect(parsed.colors).toEqual(['230,0,0,255', '255,140,0,255', '255,230,0,255', '30,100,200,255', '217,217,217,160']);
    await page.close();
  });
});
