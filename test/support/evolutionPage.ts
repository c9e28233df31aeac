// The evolution view in Chromium with the real host side (EvolutionHost) behind it, over
// a folder of checkpoints: what the evolution test and the scrubbing benchmark share.
import type { Browser, Page } from 'playwright-core';
import { folderStore } from '../../src/core/series/checkpointStore';
import type { RetryPolicy } from '../../src/core/series/halfWritten';
import { EvolutionHost } from '../../src/extension/evolutionHost';
import { FRAME_MEASURE } from '../../webview/evolution/state';
import { connectHost, openView, settle, type ThemeName, type View } from './webviewHarness';

const quiet = { info: () => undefined, warn: () => undefined };

export async function openSeries(
  browser: Browser,
  origin: string,
  folder: string,
  options: { theme?: ThemeName; policy?: RetryPolicy } = {},
): Promise<{ view: View; host: EvolutionHost }> {
  const view = await openView(browser, origin, {
    view: 'evolution',
    theme: options.theme ?? 'dark',
    width: 1400,
    height: 900,
  });
  const store = folderStore(folder);
  let host!: EvolutionHost;
  await connectHost(view.page, (send) => {
    const source = { store, live: true, readText: store.readText };
    host = new EvolutionHost(source, (message) => void send(message), quiet, { policy: options.policy });
    return (message) => host.receive(message);
  });
  await host.started;
  return { view, host };
}

/** Waits until the timeline has this many checkpoints. */
export async function waitForFrames(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (max) => document.querySelector('.scrubber-range')?.getAttribute('max') === max,
    String(count - 1),
  );
}

export const frameCount = (page: Page): Promise<number> =>
  page.evaluate((name) => performance.getEntriesByName(name).length, FRAME_MEASURE);

/** The frame times measured since the `from`-th, in ms. */
export function frameTimes(page: Page, from = 0): Promise<number[]> {
  return page.evaluate(
    ([name, start]) =>
      performance
        .getEntriesByName(name)
        .slice(start)
        .map((e) => e.duration),
    [FRAME_MEASURE, from] as const,
  );
}

/**
 * Starts recording the page's long animation frames: 50 ms and more from the first task of
 * a frame to its rendering done (the Long Animation Frames API), what froze the view
 * whatever the frame measures say.
 */
export function watchLongFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { longFrames: number[] };
    w.longFrames = [];
    new PerformanceObserver((list) => w.longFrames.push(...list.getEntries().map((e) => e.duration))).observe({
      type: 'long-animation-frame',
    });
  });
}

/** The durations of the long animation frames recorded so far, in ms. */
export const longFrames = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as unknown as { longFrames: number[] }).longFrames);

/** Moves the scrubber as the user drags it (an `input` event), and waits for the frame to be drawn. */
export async function scrubTo(page: Page, index: number): Promise<void> {
  const measured = await frameCount(page);
  await page.$eval(
    '.scrubber-range',
    (range, i) => {
      (range as HTMLInputElement).value = String(i);
      range.dispatchEvent(new Event('input'));
    },
    index,
  );
  await page.waitForFunction(([name, n]) => performance.getEntriesByName(name).length > n, [
    FRAME_MEASURE,
    measured,
  ] as const);
  await settle(page);
}
