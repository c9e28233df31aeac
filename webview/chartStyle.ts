// What every chart.js chart of the views shares: the theme's font and colours, and a
// tooltip that looks like VS Code's hover widget.
import type { Theme } from '../src/render/theme';

export function chartFont(theme: Theme): { family: string; size: number } {
  return { family: theme.fontFamily, size: 11 };
}

export function tooltipStyle(theme: Theme) {
  const font = chartFont(theme);
  return {
    backgroundColor: theme.background,
    titleColor: theme.foreground,
    bodyColor: theme.foreground,
    borderColor: theme.gridLine,
    borderWidth: 1,
    titleFont: font,
    bodyFont: font,
  };
}
