// weight-lens: the command-line tool. Same core and renderers as the extension; figures
// go to PNG. Each command group adds its commands from its own file; bad input exits with
// status 2 and one `error:` line, other failures with status 1.
import { Command } from 'commander';
import { exitStatus } from './support';
import { addTrainLenet } from './lenet';
import { addRun } from './run';
import { addTrain2d } from './train2d';
import { addFilters, addInspect } from './weights';

function createProgram(): Command {
  const program = new Command('weight-lens')
    .description("Weight Lens: look at a neural network's parameters")
    .exitOverride();
  addTrain2d(program);
  addTrainLenet(program);
  addInspect(program);
  addFilters(program);
  addRun(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitStatus(error);
  }
}

void main(process.argv);
