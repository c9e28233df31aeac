// The colours and font the renderers draw with. The webview builds its Theme from the
// VS Code `--vscode-*` variables; the CLI and the tests use LIGHT_THEME or DARK_THEME.
import { oklchToHex } from './color';

export interface Theme {
  background: string;
  foreground: string;
  mutedForeground: string;
  gridLine: string;
  /** Colours of class 0 and class 1 (points and decision regions). */
  classColors: [string, string];
  fontFamily: string;
}

const FONT_FAMILY = 'system-ui, "Segoe UI", "Helvetica Neue", "DejaVu Sans", "Liberation Sans", sans-serif';

export const LIGHT_THEME: Theme = {
  background: '#ffffff',
  foreground: '#1f2328',
  mutedForeground: '#656d76',
  gridLine: '#c8cdd3',
  classColors: ['#e07b2a', '#2a6fc9'],
  fontFamily: FONT_FAMILY,
};

export const DARK_THEME: Theme = {
  background: '#1e1e1e',
  foreground: '#d4d4d4',
  mutedForeground: '#9d9d9d',
  gridLine: '#454545',
  classColors: ['#f2a154', '#5ea6f0'],
  fontFamily: FONT_FAMILY,
};

/** The golden angle spreads any number of consecutive units evenly around the hue circle. */
const GOLDEN_ANGLE = 137.508;
/** OKLCH lightness midway between white and a dark editor background: lines read on both. */
const UNIT_LIGHTNESS = 0.62;
const UNIT_CHROMA = 0.17;
const FIRST_HUE = 20;

/** The colour of hidden unit k: stable across runs, distinct from its neighbours. */
export function unitColor(k: number): string {
  return oklchToHex(UNIT_LIGHTNESS, UNIT_CHROMA, FIRST_HUE + k * GOLDEN_ANGLE);
}
