/** weftctl's command tree: one commander Program, each subcommand registered from its own file. */
import { Command } from 'commander';
import { registerInject } from './inject-command.js';

/** Where a command reads and writes, so tests and the binary share one program. */
export interface CliIo {
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function createProgram(io: CliIo, version: string): Command {
  const program = new Command('weftctl')
    .description("weft's command-line tool")
    .version(version)
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerInject(program, io);
  return program;
}
