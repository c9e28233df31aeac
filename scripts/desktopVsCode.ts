// Finds a desktop VS Code (the Electron app, not code-server, whose terminals put a `code`
// of their own on PATH): `npm start` opens it, the extension-host tests drive its binary.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The `code` command of a desktop VS Code on PATH, or undefined. */
export function desktopCodeCli(): string | undefined {
  const cli = onPath(process.platform === 'win32' ? ['code.cmd'] : ['code']);
  return cli && !/code-server|remote-cli/.test(realpathSync(cli)) ? cli : undefined;
}

/** The Electron binary of a desktop VS Code: $VSCODE_EXECUTABLE, else the one behind `code`. */
export function desktopVsCodeExecutable(): string | undefined {
  const fromEnv = process.env.VSCODE_EXECUTABLE;
  if (fromEnv) return isFile(fromEnv) ? fromEnv : undefined;
  const cli = desktopCodeCli();
  if (!cli) return undefined;
  // The CLI script lives in <install>/bin (Linux, Windows) or <App>/Contents/Resources/app/bin (macOS).
  const bin = dirname(realpathSync(cli));
  const candidates = [
    join(bin, '../code'),
    join(bin, '../Code.exe'),
    join(bin, '../../../MacOS/Electron'),
    join(bin, '../../../MacOS/Code'),
  ];
  return candidates.find(isFile);
}

function onPath(names: string[]): string | undefined {
  const folders = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return folders.flatMap((folder) => names.map((name) => join(folder, name))).find(isFile);
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}
