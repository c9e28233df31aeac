// Scrubbing an evolution of 1,000 LeNet checkpoints in Chromium (written once into
// bench/out/evolution by make_evolution.py, with real PyTorch): the real webview and its
// real host side (EvolutionHost: lazy reads, LRU caches, prefetch), conv2's 32×32 filter
// grid. A frame's time runs from the scrubber's `input` event to its picture drawn,
// waiting for its tensor when it is not in the webview yet. Host-to-page messages go
// through Playwright here, slower than VS Code's postMessage.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, launchChromium, settle, startServer } from '../test/support/webviewHarness';
import { frameCount, frameTimes, openSeries, scrubTo, waitForFrames } from '../test/support/evolutionPage';
import { type BenchRow, median } from './benchRow';
import { pythonWithTorch } from './python';

const OUT = join(__dirname, 'out', 'evolution');
const SCRIPT = join(__dirname, 'make_evolution.py');
const FIXTURE = join(__dirname, '..', 'test', 'fixtures', 'lenet.pt');
const CHECKPOINTS = 1000;
const SEEKS = 100;
const GOAL_MS = 50;

function describe(times: number[]): string {
  const worst = Math.max(...times);
  const verdict = worst < GOAL_MS ? 'every frame under the 50 ms goal' : `over the ${GOAL_MS} ms goal`;
  return `worst ${worst.toFixed(1)} ms, median ${median(times).toFixed(1)} ms over ${times.length} frames (${verdict})`;
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

    // Dragging the scrubber across the whole run, a frame at a time.
    let from = await frameCount(page);
    for (let i = 0; i < CHECKPOINTS; i++) await scrubTo(page, i);
    const drag = await frameTimes(page, from);

    // Jumps to random checkpoints: mostly not fetched yet.
    from = await frameCount(page);
    let seed = 1;
    for (let i = 0; i < SEEKS; i++) {
      seed = (seed * 16807) % 2147483647;
      await scrubTo(page, seed % CHECKPOINTS);
    }
    const seeks = await frameTimes(page, from);

    // Play at 60 frames per second from the start.
    await scrubTo(page, 0);
    await page.selectOption('.scrubber .speed', '60');
    from = await frameCount(page);
    await page.click('.scrubber .play');
    await page.waitForFunction(
      () => document.querySelector('.scrubber .play')?.getAttribute('aria-label') === 'Play',
      null,
      {
        timeout: 120_000,
      },
    );
    const play = await frameTimes(page, from);
    host.dispose();
    return [
      {
        name: `evolution open ${CHECKPOINTS} LeNet checkpoints`,
        value: `${(scanMs / 1000).toFixed(1)} s to read them all once (distances, ranges)`,
      },
      { name: 'evolution drag, conv2 grid', value: describe(drag) },
      { name: `evolution ${SEEKS} random seeks, conv2 grid`, value: describe(seeks) },
      {
        name: 'evolution play at 60 fps, conv2 grid',
        value: `${describe(play)}; ${play.length} of ${CHECKPOINTS} frames drawn`,
      },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
