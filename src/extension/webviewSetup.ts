// Loads a view into a webview (panel, side view or custom editor): scripts on, resources
// only from dist/ and media/, and the page with a fresh nonce.
import * as vscode from 'vscode';
import type { ViewPlacement } from '../protocol';
import { makeNonce, webviewHtml } from './webviewHtml';

interface ViewPage {
  /** The bundle in dist/. */
  script: string;
  /** Stylesheets in media/ after the shared shared.css. */
  extraStyles?: string[];
  placement?: ViewPlacement;
  title?: string;
}

export function loadHyperplanesView(webview: vscode.Webview, extensionUri: vscode.Uri, placement: ViewPlacement): void {
  loadView(webview, extensionUri, { script: 'hyperplanesView.js', extraStyles: ['hyperplanes.css'], placement });
}

export function loadWeightsView(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  loadView(webview, extensionUri, {
    script: 'weightsView.js',
    extraStyles: ['weights.css'],
    title: 'Weight Lens: weights',
  });
}

/** The filter grid and heat map come from the weights view, with their styles. */
export function loadEvolutionView(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  loadView(webview, extensionUri, {
    script: 'evolutionView.js',
    extraStyles: ['weights.css', 'evolution.css'],
    title: 'Weight Lens: evolution',
  });
}

function loadView(webview: vscode.Webview, extensionUri: vscode.Uri, page: ViewPage): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const mediaUri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString();
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, page.script)).toString(),
    styleUri: mediaUri('shared.css'),
    extraStyleUris: page.extraStyles?.map(mediaUri),
    nonce: makeNonce(),
    placement: page.placement,
    title: page.title,
  });
}
