import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';
import { sampleRun } from './sample-run.js';

/**
 * `bake report` of a real 20-build run, opened in headless Chromium: the page loads from the file
 * alone (no other request), logs no error, and shows a lane and a row for every build, failures
 * marked. BAKE_UPDATE_SCREENSHOT=1 also writes the docs' screenshot (docs/images/report.png).
 * The run takes a few minutes on a busy 2-core machine: 17 builds share one sshd.
 */
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeAll(async () => {
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'debian-12-amd64-20260101', { creationDate: '2026-01-01T00:00:00.000Z' });
  server.fake.pollsPerTransition = 3; // waits that take a few polls, as in the cloud
  dir = mkdtempSync(join(tmpdir(), 'bake-report-browser-'));
});
afterAll(() => server?.close());

describe('bake report in a browser', () => {
  it('shows every build of a 20-build run, with failures and the skipped build, and loads nothing else', async () => {
    const record = await sampleRun(dir, aws.sshd, server);
    const page = join(dir, 'report.html');
    const r = await runBake(['report', record, '-o', page]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${page}\n`);

    const { context, close } = await launchChromium();
    try {
      const tab = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('request', (req) => requests.push(req.url()));
      await tab.setViewportSize({ width: 1360, height: 900 });
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(page).href]);

      const lanes = await tab.locator('svg g.lane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-build')));
      const names = ['base-minimal', 'base-debian', 'base-gpu', 'api', 'web', 'worker', 'scheduler', 'search', 'billing', 'auth', 'gateway', 'cache', 'queue', 'metrics', 'logs', 'mailer', 'cdn-edge', 'reports', 'admin', 'batch'];
      expect(lanes).toEqual(names);
      // Every lane is drawn inside the page's width and visible, not clipped away.
      for (const name of names) await expect.poll(() => tab.locator(`svg g.lane[data-build="${name}"] .build-name`).isVisible()).toBe(true);
      const rows = await tab.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td')!.firstChild!.textContent, tr.querySelector('td.result')!.textContent]));
      expect(rows.map((r) => r[0])).toEqual(names);
      const result = Object.fromEntries(rows as [string, string][]);
      expect(result['base-minimal']).toBe('unchanged, reused');
      expect(result['base-debian']).toBe('built');
      expect(result.billing).toBe('failed');
      expect(result['cdn-edge']).toBe('failed');
      expect(Object.values(result).filter((s) => s === 'built')).toHaveLength(17);

      const failures = await tab.locator('g.failure title').allTextContents();
      expect(failures).toHaveLength(2);
      expect(failures.join('\n')).toContain('migration 0042 failed');
      const copies = await tab.locator('g.bar.copy title').allTextContents();
      expect(copies.filter((t) => t.startsWith('region copy: AMI to eu-west-1'))).toHaveLength(2);
      expect(await tab.locator('g.bar.wait').count()).toBeGreaterThan(6);
      // Every build that ran its provisioners lists its packages; api's changed since the night before.
      expect(await tab.locator('#build-apps-json-api .pkg-count').textContent()).toMatch(/^\d+ packages$/);
      const diff = tab.locator('#build-apps-json-api details.pkg-diff');
      expect(await diff.locator('summary').textContent()).toMatch(/^1 added, 1 removed, 1 changed since run \d{8}T\d{6}Z-[0-9a-f]+$/);
      expect(await diff.locator('li.changed').isVisible()).toBe(false);
      await diff.locator('summary').click();
      expect(await diff.locator('li.changed').textContent()).toMatch(/ 0\.9-old → \S+$/);
      expect(await diff.locator('li.removed').textContent()).toBe('− telnet 0.17+2.4-2');
      expect(await diff.locator('li.added').isVisible()).toBe(true);
      expect(await tab.locator('#build-apps-json-web .pkg-count').count()).toBe(1);
      expect(await tab.locator('#build-apps-json-web details.pkg-diff').count()).toBe(0);
      await tab.locator('h1').scrollIntoViewIfNeeded();
      const totals = await tab.locator('.card').allTextContents();
      expect(totals[1]).toBe('20builds: 17 built, 1 reused, 0 not run');
      expect(totals[2]).toBe('2failed');

      // The docs show the top of the page: totals, the timeline and its legend.
      const shot = join(dir, 'report.png');
      const legend = await tab.locator('.legend').boundingBox();
      await tab.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1360, height: Math.ceil(legend!.y + legend!.height + 16) }, fullPage: true });
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
      if (process.env.BAKE_UPDATE_SCREENSHOT === '1') {
        const docs = fileURLToPath(new URL('../../docs/images/', import.meta.url));
        mkdirSync(docs, { recursive: true });
        copyFileSync(shot, join(docs, 'report.png'));
      }
    } finally {
      await close();
    }
  }, 600_000);
});
