// The render Theme of the current VS Code colour theme. VS Code sets `--vscode-*` CSS
// variables on the page and a class on <body> (vscode-light, vscode-dark,
// vscode-high-contrast, vscode-high-contrast-light); it changes both when the user
// switches themes, so we re-read them whenever the body's class changes.
import { DARK_THEME, LIGHT_THEME, type Theme } from '../../src/render/theme';

/** Curve colours of the charts (VS Code's chart palette). */
export interface ChartPalette {
  train: string;
  test: string;
}

export interface ViewTheme {
  render: Theme;
  charts: ChartPalette;
}

/** A `--vscode-*` colour (or font) of the current theme, or the fallback where the theme has none. */
export function cssVariable(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function isLight(body: HTMLElement): boolean {
  return body.classList.contains('vscode-light') || body.classList.contains('vscode-high-contrast-light');
}

export function readTheme(): ViewTheme {
  // The base keeps the class colours, which are chosen for a light or a dark background.
  const base = isLight(document.body) ? LIGHT_THEME : DARK_THEME;
  const render: Theme = {
    ...base,
    background: cssVariable('--vscode-editor-background', base.background),
    foreground: cssVariable('--vscode-editor-foreground', base.foreground),
    mutedForeground: cssVariable('--vscode-descriptionForeground', base.mutedForeground),
    gridLine: cssVariable('--vscode-editorWidget-border', base.gridLine),
    fontFamily: cssVariable('--vscode-font-family', base.fontFamily),
  };
  const charts: ChartPalette = {
    train: cssVariable('--vscode-charts-blue', render.foreground),
    test: cssVariable('--vscode-charts-orange', render.mutedForeground),
  };
  return { render, charts };
}

/** Calls `onChange` with the new theme each time VS Code switches the colour theme. */
export function observeTheme(onChange: (theme: ViewTheme) => void): void {
  new MutationObserver(() => onChange(readTheme())).observe(document.body, {
    attributes: true,
    attributeFilter: ['class'],
  });
}
