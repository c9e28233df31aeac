// Scrubbing an evolution of 1,000 LeNet checkpoints in Chromium (written once into
// bench/out/evolution by make_evolution.py, with real PyTorch): the real webview and its
// real host side (EvolutionHost: lazy reads, LRU caches, prefetch), conv2's 32×32 filter
// grid. A frame's time runs from the scrubber's `input` event (or the playhead's step) to
// its picture drawn, waiting for its tensor when it is not in the webview yet; a frame
// given up for a later one counts in that one's time, and playback waits for a late frame
// rather than skip it, so every frame is timed. Each row gives the worst, the 99th
// percentile, the median and how many frames missed 50 ms, and the long animation frames
// (50 ms and more, rendering included) seen meanwhile. Host-to-page messages go through
// Playwright here (base64 in page.evaluate), slower than VS Code's postMessage.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureBuilt, launchChromium, settle, startServer } from '../test/support/webviewHarness';
import {
  frameCount,
  frameTimes,
  longFrames,
  openSeries,
  scrubTo,
  waitForFrames,
  watchLongFrames,
} from '../test/support/evolutionPage';
import { type BenchRow, median, percentile } from './benchRow';
import { pythonWithTorch } from './python';

const OUT = join(__dirname, 'out', 'evolution');
const SCRIPT = join(__dirname, 'make_evolution.py');
const FIXTURE = join(__dirname, '..', 'test', 'fixtures', 'lenet.pt');
const CHECKPOINTS = 1000;
const SEEKS = 100;
const GOAL_MS = 50;

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The frame times of a phase, and the long animation frames seen during it. */
function describe(times: number[], long: number[]): string {
  const over = times.filter((t) => t >= GOAL_MS).length;
  const verdict = over === 0 ? `every frame under the ${GOAL_MS} ms goal` : `${over} over the ${GOAL_MS} ms goal`;
  const stats = [
    `worst ${ms(Math.max(...times))}`,
    `p99 ${ms(percentile(times, 0.99))}`,
    `median ${ms(median(times))}`,
  ];
  const frozen = long.length ? `${long.length}, worst ${ms(Math.max(...long))}` : 'none';
  return `${stats.join(', ')} over ${times.length} frames (${verdict}); long animation frames: ${frozen}`;
}

/** Runs a phase; returns its frame times and the long animation frames seen during it. */
async function phase(page: Page, body: () => Promise<void>): Promise<{ times: number[]; long: number[] }> {
  const [from, longFrom] = [await frameCount(page), (await longFrames(page)).length];
  await body();
  await settle(page);
  return { times: await frameTimes(page, from), long: (await longFrames(page)).slice(longFrom) };
}

export async function benchEvolution(): Promise<BenchRow[]> {
  const python = pythonWithTorch();
  if (!python) return [{ name: 'evolution', value: 'skipped: the checkpoints are written with python3-torch' }];
  const made = spawnSync(python, [SCRIPT, FIXTURE, OUT], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make_evolution.py failed: ${made.stderr}`);
  ensureBuilt();
  const { server, origin } = await startServer();
  const browser = await launchChromium();
  try {
    const started = performance.now();
    const { view, host } = await openSeries(browser, origin, OUT);
    const scanMs = performance.now() - started;
    const { page } = view;
    await waitForFrames(page, CHECKPOINTS);
    // Measured once the histograms of conv2 over the run are counted (the host's background work).
    await page.evaluate(() =>
      window.addEventListener('message', ({ data }) => {
        const w = window as unknown as { histogramRows?: number };
        if (data.type === 'seriesHistograms')
          w.histogramRows = (data.replace ? 0 : (w.histogramRows ?? 0)) + data.rows.length;
      }),
    );
    await page.selectOption('#evolution-tensor', 'conv2.weight');
    await page.waitForFunction(
      (n) => (window as unknown as { histogramRows?: number }).histogramRows === n,
      CHECKPOINTS,
      {
        timeout: 120_000,
      },
    );
    await page.waitForFunction(() =>
      document.querySelector('.filter-grid')?.getAttribute('aria-label')?.startsWith('conv2'),
    );
    await settle(page);

    await watchLongFrames(page);

    // Dragging the scrubber across the whole run, a frame at a time.
    const drag = await phase(page, async () => {
      for (let i = 0; i < CHECKPOINTS; i++) await scrubTo(page, i);
    });

    // Jumps to random checkpoints: mostly not fetched yet.
    const seeks = await phase(page, async () => {
      let seed = 1;
      for (let i = 0; i < SEEKS; i++) {
        seed = (seed * 16807) % 2147483647;
        await scrubTo(page, seed % CHECKPOINTS);
      }
    });

    // Play at 60 frames per second from the start.
    await scrubTo(page, 0);
    await page.selectOption('.scrubber .speed', '60');
    let playSeconds = 0;
    const play = await phase(page, async () => {
      const started = performance.now();
      await page.click('.scrubber .play');
      await page.waitForFunction(
        () => document.querySelector('.scrubber .play')?.getAttribute('aria-label') === 'Play',
        null,
        { timeout: 120_000 },
      );
      playSeconds = (performance.now() - started) / 1000;
    });
    host.dispose();
    return [
      {
        name: `evolution open ${CHECKPOINTS} LeNet checkpoints`,
        value: `${(scanMs / 1000).toFixed(1)} s to read them all once (distances, ranges)`,
      },
      { name: 'evolution drag, conv2 grid', value: describe(drag.times, drag.long) },
      { name: `evolution ${SEEKS} random seeks, conv2 grid`, value: describe(seeks.times, seeks.long) },
      {
        name: 'evolution play at 60 fps, conv2 grid',
        value:
          `${describe(play.times, play.long)}; ${play.times.length} of ${CHECKPOINTS - 1} frames drawn ` +
          `in ${playSeconds.toFixed(1)} s (${(play.times.length / playSeconds).toFixed(0)} fps)`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
