// The HTML shell of the webviews (hyperplanes, weights, evolution). Pure (no `vscode` import) so the Chromium
// tests serve exactly what the extension serves, under the same Content-Security-Policy.
import { randomBytes } from 'node:crypto';
import type { ViewPlacement } from '../protocol';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the origin the webview may load its own resources from. */
  cspSource: string;
  /** The view's bundle: dist/hyperplanesView.js, dist/weightsView.js or dist/evolutionView.js. */
  scriptUri: string;
  /** The shared stylesheet (media/shared.css), then the view's own (media/hyperplanes.css…). */
  styleUri: string;
  extraStyleUris?: string[];
  /** Allows exactly our one script; a fresh one per page (see makeNonce). */
  nonce: string;
  /** The hyperplane view's; other views leave it out. */
  placement?: ViewPlacement;
  title?: string;
}

/** A fresh script nonce: 128 random bits, hex (valid in a CSP nonce source). */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The page: a strict CSP (no inline scripts or styles, no eval), the stylesheets, an empty
 * app root the script fills, and the placement on <body> for the compact side-panel layout.
 */
export function webviewHtml({
  cspSource,
  scriptUri,
  styleUri,
  extraStyleUris = [],
  nonce,
  placement,
  title = 'Weight Lens: hyperplanes',
}: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = [styleUri, ...extraStyleUris].map((uri) => `  <link rel="stylesheet" href="${escapeAttribute(uri)}">`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${links.join('\n')}
  <title>${escapeAttribute(title)}</title>
</head>
<body${placement ? ` data-placement="${escapeAttribute(placement)}"` : ''}>
  <div id="app"></div>
  <script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(scriptUri)}"></script>
</body>
</html>
`;
}
