// Loads the hyperplane view into a webview (panel or side view): scripts on, resources
// only from dist/ and media/, and the page with a fresh nonce.
import * as vscode from 'vscode';
import type { ViewPlacement } from '../protocol';
import { makeNonce, webviewHtml } from './webviewHtml';

export function loadHyperplaneView(webview: vscode.Webview, extensionUri: vscode.Uri, placement: ViewPlacement): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
    nonce: makeNonce(),
    placement,
  });
}
