// What every training configuration (the 2-D MLP's, LeNet's) checks the same way: the
// error the CLI reports as bad input and the extension shows as is, and the checks whose
// messages name the setting and the value so the user can fix it.

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export function checkOneOf<T extends string>(name: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`unknown ${name} "${value}" (expected one of: ${allowed.join(', ')})`);
  }
}

/** A learning rate in (0, max]. */
export function checkLearningRate(value: number, max: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigError(`learning rate must be a number in (0, ${max}], got ${value}`);
  }
}

/** The fields that are set: a partial configuration's undefined fields take the defaults. */
export function definedFields<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}
