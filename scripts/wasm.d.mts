// Types of wasm.mjs for the TypeScript that imports it (its unit test).
export function assembleWat(name: string, text: string): Promise<string>;
export function writeWasmModules(root: string): Promise<string[]>;
