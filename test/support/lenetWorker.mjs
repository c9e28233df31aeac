// The LeNet worker thread from source, for tests: a worker does not inherit `--import tsx`'s
// loader for .ts files, so this registers tsx and then loads src/core/lenet/worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('../../src/core/lenet/worker.ts');
