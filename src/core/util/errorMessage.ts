/** A caught value's message, for wrapping another library's error into ours. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
