// The two questions the train command asks: which dataset (a CSV from an open dialog) and
// how many hidden units. The setting's value is offered first; Escape cancels.
import * as vscode from 'vscode';
import { resolveTrainConfig, type DatasetName, type TrainConfig } from '../core/mlp/config';
import { ConfigError } from '../core/util/configChecks';
import { csvPathFor } from './csvFile';

const DATASETS: { name: DatasetName; description: string }[] = [
  { name: 'disc', description: "the lecture's: points in [0, 1]², class 1 inside a disc" },
  { name: 'circle', description: 'Playground: a disc inside a ring' },
  { name: 'xor', description: 'Playground: the four quadrants, XOR of the signs' },
  { name: 'gauss', description: 'Playground: two Gaussian clusters' },
  { name: 'spiral', description: 'Playground: two interleaved spirals' },
  { name: 'csv', description: 'x,y,label rows from a CSV file…' },
];

const HIDDEN_PRESETS = [2, 5, 10, 20, 50, 100];
const CUSTOM = 'custom…';

/** Asks for the dataset and hidden width; undefined if the user cancels. */
export async function pickTrainConfig(defaults: Partial<TrainConfig>): Promise<Partial<TrainConfig> | undefined> {
  const data = await pickDataset(defaults.dataset);
  if (!data) return undefined;
  const hidden = await pickHidden(defaults.hidden);
  return hidden === undefined ? undefined : { ...data, hidden };
}

async function pickDataset(
  preferred: string | undefined,
): Promise<Pick<TrainConfig, 'dataset' | 'csvPath'> | undefined> {
  const items = defaultFirst(
    DATASETS.map(({ name, description }) => ({ label: name, description })),
    (item) => item.label === preferred,
  );
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Weight Lens: dataset (1/2)',
    placeHolder: 'Points to classify',
  });
  if (!choice) return undefined;
  const dataset = choice.label as DatasetName;
  if (dataset !== 'csv') return { dataset };
  const [file] =
    (await vscode.window.showOpenDialog({
      title: 'Weight Lens: a CSV of x,y,label rows',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { CSV: ['csv'], 'All files': ['*'] },
      openLabel: 'Train on this file',
    })) ?? [];
  return file ? { dataset, csvPath: csvPathFor(file) } : undefined;
}

async function pickHidden(preferred: number | undefined): Promise<number | undefined> {
  const widths =
    preferred === undefined || HIDDEN_PRESETS.includes(preferred) ? HIDDEN_PRESETS : [...HIDDEN_PRESETS, preferred];
  const items = defaultFirst(
    [
      ...widths.map((w) => ({ label: String(w), description: w === 20 ? 'as in the lecture' : undefined })),
      { label: CUSTOM },
    ],
    (item) => item.label === String(preferred),
  );
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Weight Lens: hidden units (2/2)',
    placeHolder: 'Width of the hidden layer',
  });
  if (!choice) return undefined;
  if (choice.label !== CUSTOM) return Number(choice.label);
  const text = await vscode.window.showInputBox({
    title: 'Weight Lens: hidden units',
    prompt: 'Width of the hidden layer',
    value: String(preferred ?? ''),
    validateInput: (value) => hiddenWidthProblem(value),
  });
  return text === undefined ? undefined : Number(text);
}

/** The trainer's own message for a bad width, so the box and the trainer agree on the limits. */
function hiddenWidthProblem(text: string): string | undefined {
  try {
    resolveTrainConfig({ hidden: text.trim() === '' ? NaN : Number(text) });
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/** The item matching the current setting moves to the top and says so. */
function defaultFirst<T extends vscode.QuickPickItem>(items: T[], isDefault: (item: T) => boolean): T[] {
  const marked = items.map((item) => (isDefault(item) ? { ...item, detail: 'current setting' } : item));
  return [...marked.filter(isDefault), ...marked.filter((item) => !isDefault(item))];
}
