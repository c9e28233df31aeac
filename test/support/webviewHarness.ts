// The webviews in real Chromium, shared by their tests: a server for the page webviewHtml()
// produces (same CSP) with the bundles and stylesheets, VS Code's theme variables from a
// stylesheet, a stub acquireVsCodeApi that records posted messages and keeps setState
// across reloads, and pixel helpers that read the canvases' backing stores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it, type HookOptions, type TestContext, type TestOptions } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, IN_CI, INSTALL_HINT } from '../../scripts/testDeps';
import { makeNonce, webviewHtml } from '../../src/extension/webviewHtml';
import type { ViewPlacement } from '../../src/protocol';
import type { Rect } from '../../src/render/hyperplanes';

export const ROOT = join(__dirname, '..', '..');
export const RESULTS = join(ROOT, 'test-results');

export type Rgb = [number, number, number];

/** A few of VS Code's Dark Modern and Light Modern colours, as VS Code sets them on a webview. */
export const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-font-weight': 'normal',
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-sideBar-background': '#181818',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': '#ffffff12',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-input-background': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-panelTitle-activeBorder': '#0078d4',
      '--vscode-panelTitle-activeForeground': '#cccccc',
      '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-foreground': '#cccccc',
      '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-widget-shadow': '#0000005c',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-errorForeground': '#f85149',
      '--vscode-scrollbarSlider-background': '#79797966',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-focusOutline': '#0078d4',
      '--vscode-input-placeholderForeground': '#989898',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-inputValidation-errorBackground': '#5a1d1d',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-textLink-foreground': '#4daafc',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-font-weight': 'normal',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': '#0000001a',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-panelTitle-activeBorder': '#005fb8',
      '--vscode-panelTitle-activeForeground': '#3b3b3b',
      '--vscode-panelTitle-inactiveForeground': '#3b3b3b',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-foreground': '#3b3b3b',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-widget-shadow': '#00000029',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-errorForeground': '#f85149',
      '--vscode-scrollbarSlider-background': '#64646466',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-list-focusOutline': '#005fb8',
      '--vscode-input-placeholderForeground': '#767676',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-inputValidation-errorBackground': '#f2dede',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-textLink-foreground': '#005fb8',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-font-weight': 'normal',
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-sideBar-background': '#000000',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-focusBorder': '#f38518',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-input-background': '#000000',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-border': '#6fc3df',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-panelTitle-activeBorder': '#f38518',
      '--vscode-panelTitle-activeForeground': '#ffffff',
      '--vscode-panelTitle-inactiveForeground': '#ffffff',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-foreground': '#ffffff',
      '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-scrollbarSlider-background': '#6fc3df99',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-input-placeholderForeground': '#ffffffb3',
      '--vscode-editorWarning-foreground': '#ff0000',
      '--vscode-inputValidation-errorBackground': '#000000',
      '--vscode-inputValidation-errorBorder': '#f48771',
      '--vscode-textLink-foreground': '#21a6ff',
    },
  },
} as const;
export type ThemeName = keyof typeof THEMES;

function themeCss(name: ThemeName): string {
  return `:root {\n${Object.entries(THEMES[name].vars)
    .map(([k, v]) => `  ${k}: ${v};`)
    .join('\n')}\n}\n`;
}

/** Each view's bundle, stylesheets and first message, as the extension loads it. */
const VIEWS = {
  hyperplanes: {
    script: 'hyperplanesView.js',
    styles: ['shared.css', 'hyperplanes.css'],
    ready: 'ready',
    title: undefined,
  },
  weights: {
    script: 'weightsView.js',
    styles: ['shared.css', 'weights.css'],
    ready: 'weightsReady',
    title: 'Weights',
  },
  evolution: {
    script: 'evolutionView.js',
    styles: ['shared.css', 'weights.css', 'evolution.css'],
    ready: 'evolutionReady',
    title: 'Evolution',
  },
} as const;
export type ViewName = keyof typeof VIEWS;

/** Builds the bundles if they are missing (`npm test` builds them first). */
export function ensureBuilt(): void {
  if (Object.values(VIEWS).every((v) => existsSync(join(ROOT, 'dist', v.script)))) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'build failed');
}

const TYPES: Record<string, string> = { js: 'text/javascript', map: 'application/json', css: 'text/css' };

/**
 * Serves /view.html?view=&placement=&theme=, the files of dist/ and media/, and the
 * theme sheets.
 */
export function startServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${request.headers.host}`;
    const send = (type: string, body: string | Buffer): void => {
      response.writeHead(200, { 'content-type': type });
      response.end(body);
    };
    const theme = url.pathname.match(/^\/theme-([a-z-]+)\.css$/)?.[1] as ThemeName | undefined;
    const file = url.pathname.match(/^\/(dist|media)\/([\w.-]+\.(js|map|css))$/);
    if (url.pathname === '/view.html') {
      const view = VIEWS[(url.searchParams.get('view') ?? 'hyperplanes') as ViewName];
      const placement = url.searchParams.get('placement') as ViewPlacement | null;
      const themeName = (url.searchParams.get('theme') ?? 'dark') as ThemeName;
      const [style, ...extra] = view.styles.map((s) => `${origin}/media/${s}`);
      const html = webviewHtml({
        cspSource: origin,
        scriptUri: `${origin}/dist/${view.script}`,
        styleUri: style,
        extraStyleUris: extra,
        nonce: makeNonce(),
        placement: placement ?? undefined,
        title: view.title,
      })
        // VS Code provides the theme's variables and body class itself; the test page adds them.
        .replace('<link ', `<link id="theme" rel="stylesheet" href="${origin}/theme-${themeName}.css">\n  <link `)
        .replace('<body', `<body class="${THEMES[themeName].bodyClass}"`);
      send('text/html', html);
    } else if (theme && theme in THEMES) {
      send('text/css', themeCss(theme));
    } else if (file && existsSync(join(ROOT, file[1], file[2]))) {
      send(TYPES[file[3]], readFileSync(join(ROOT, file[1], file[2])));
    } else if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/**
 * node:test's `skip` for the tests that drive Chromium: why they cannot run here, or false.
 * Without Debian's Chromium (scripts/testDeps.ts installs it when the tests run as root) they
 * skip, saying how to install it, except in CI, where they run and fail.
 */
export function skipWithoutChromium(): string | false {
  return existsSync(CHROMIUM) || IN_CI ? false : `no Chromium at ${CHROMIUM}: ${INSTALL_HINT}`;
}

type TestBody = (t: TestContext) => void | Promise<void>;
type HookBody = () => void | Promise<void>;

/** node:test's `it`, `before` and `after` as a describeOrSkip body gets them. */
export interface SuiteFunctions {
  it(name: string, fn: TestBody): Promise<void>;
  it(name: string, options: TestOptions, fn: TestBody): Promise<void>;
  before(fn: HookBody, options?: HookOptions): void;
  after(fn: HookBody, options?: HookOptions): void;
}

/**
 * A describe whose tests need something this machine may lack (Chromium, code-server): with
 * `skip` a reason, each of its tests skips with it and its hooks (which would launch what is
 * missing) do not run. node:test (Node 20) counts no test of a skipped describe, and runs a
 * suite's `before` even when every test in it skips, so the body takes `it`, `before` and
 * `after` from here rather than from node:test.
 */
export function describeOrSkip(name: string, skip: string | false, body: (suite: SuiteFunctions) => void): void {
  const nothing = () => undefined;
  const skipped: SuiteFunctions = { it: (title: string) => it(title, { skip }), before: nothing, after: nothing };
  describe(name, () => body(skip ? skipped : { it, before, after }));
}

/** A describe whose tests drive Chromium: they skip without it (see skipWithoutChromium). */
export function describeInChromium(name: string, body: (suite: SuiteFunctions) => void): void {
  describeOrSkip(name, skipWithoutChromium(), body);
}

/** Debian's Chromium, headless, with the flags that keep it off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/**
 * The stub VS Code API: posted messages recorded (and handed to `__toHost` once a host is
 * connected), state kept in sessionStorage (survives reloads).
 */
function stubVsCodeApi(): void {
  const w = window as unknown as {
    __posted: unknown[];
    __violations: string[];
    __toHost?: (message: unknown) => void;
    acquireVsCodeApi: () => unknown;
  };
  w.__posted = [];
  w.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    // Typed arrays are recorded as plain arrays of their numbers (JSON would make them objects).
    const plain = (_key: string, value: unknown) =>
      ArrayBuffer.isView(value) ? Array.from(value as Uint8Array) : value;
    return {
      postMessage: (message: unknown) => {
        const recorded = JSON.parse(JSON.stringify(message, plain));
        w.__posted.push(recorded);
        w.__toHost?.(recorded);
      },
      getState: () => JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null') ?? undefined,
      setState: (state: unknown) => sessionStorage.setItem('vscodeState', JSON.stringify(state)),
    };
  };
}

export interface View {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: () => Promise<string[]>;
}

export interface ViewOptions {
  view?: ViewName;
  placement?: ViewPlacement;
  theme: ThemeName;
  width: number;
  height: number;
}

export async function openView(
  browser: Browser,
  origin: string,
  { view = 'hyperplanes', placement, theme, width, height }: ViewOptions,
): Promise<View> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 2 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  // tsx compiles with esbuild's keepNames, which wraps the functions passed to the page in
  // a `__name` helper that only exists in Node: give the page an identity one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(stubVsCodeApi);
  const query = new URLSearchParams({ view, theme, ...(placement ? { placement } : {}) });
  await page.goto(`${origin}/view.html?${query}`);
  await waitForPosted(page, VIEWS[view].ready);
  const problems = async (): Promise<string[]> => [
    ...errors,
    ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)),
  ];
  return { page, problems };
}

/** Waits until the page has posted a message of this type. */
export async function waitForPosted(page: Page, type: string): Promise<void> {
  await page.waitForFunction(
    (t) => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === t),
    type,
  );
}

/** Posts a host message to the page, as the extension host would. */
export async function post(page: Page, message: object): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/**
 * Wires a host to the page, as VS Code does an extension's webview: `connect` gets the
 * function that posts to the page and returns the one that receives the page's messages,
 * those posted so far and from now on (after reloads too). Float32Arrays travel as base64
 * (Playwright's own typed-array serialization is several times slower) and arrive as
 * Float32Arrays again.
 */
export async function connectHost(
  page: Page,
  connect: (send: (message: object) => Promise<void>) => (message: never) => void,
): Promise<void> {
  const receive = connect((message) => {
    const encoded = Object.fromEntries(
      Object.entries(message).map(([k, v]) =>
        v instanceof Float32Array
          ? [k, { f32: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }]
          : [k, v],
      ),
    );
    return page.evaluate((m) => {
      const decoded = Object.fromEntries(
        Object.entries(m).map(([k, v]) => {
          const f32 = (v as { f32?: unknown } | null)?.f32;
          if (typeof f32 !== 'string') return [k, v];
          const bytes = (Uint8Array as unknown as { fromBase64(text: string): Uint8Array }).fromBase64(f32);
          return [k, new Float32Array(bytes.buffer)];
        }),
      );
      window.postMessage(decoded, '*');
    }, encoded);
  });
  const earlier = await posted<never>(page);
  await page.exposeFunction('__toHost', receive);
  for (const message of earlier) receive(message);
}

export async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

export function posted<T>(page: Page): Promise<T[]> {
  return page.evaluate(() => (window as unknown as { __posted: T[] }).__posted);
}

/** Two animation frames: the view redraws on the next one. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** The RGB of a canvas at CSS-pixel coordinates (scaled to its backing store). */
export async function pixel(page: Page, selector: string, x: number, y: number): Promise<Rgb> {
  return page.$eval(
    selector,
    (canvas, [cx, cy]) => {
      const c = canvas as HTMLCanvasElement;
      const scale = c.width / c.clientWidth;
      const [r, g, b] = c.getContext('2d')!.getImageData(Math.floor(cx * scale), Math.floor(cy * scale), 1, 1).data;
      return [r, g, b] as [number, number, number];
    },
    [x, y] as const,
  );
}

/** A digest of a whole canvas, to see whether a drawing changed. */
export function canvasDigest(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (c) => (c as HTMLCanvasElement).toDataURL());
}

export function rgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export const colorDistance = (a: Rgb, b: Rgb): number => Math.max(...a.map((c, i) => Math.abs(c - b[i])));

export function assertColor(actual: Rgb, expectedHex: string, what: string, tolerance = 6): void {
  assert.ok(
    colorDistance(actual, rgb(expectedHex)) <= tolerance,
    `${what}: got rgb(${actual.join(', ')}), expected ${expectedHex}`,
  );
}

export async function canvasRect(page: Page, selector: string): Promise<Rect> {
  const size = await page.$eval(selector, (c) => ({ width: c.clientWidth, height: c.clientHeight }));
  return { x: 0, y: 0, ...size };
}

/** Switches the page's theme as VS Code does: new variables, then the body class (which the views observe). */
export async function switchTheme(page: Page, origin: string, name: ThemeName): Promise<void> {
  await page.evaluate(
    ({ href, bodyClass }) =>
      new Promise<void>((resolve) => {
        const link = document.getElementById('theme') as HTMLLinkElement;
        link.addEventListener('load', () => {
          document.body.className = bodyClass;
          resolve();
        });
        link.href = href;
      }),
    { href: `${origin}/theme-${name}.css`, bodyClass: THEMES[name].bodyClass },
  );
}

export function ensureResults(): void {
  mkdirSync(RESULTS, { recursive: true });
}
