/** weftctl's command tree: one commander Program, each subcommand registered from its own file. */
import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { registerInject } from './inject-command.js';

export type { CliIo } from './cli-io.js';

export function createProgram(io: CliIo, version: string): Command {
  const program = new Command('weftctl')
    .description("weft's command-line tool")
    .version(version)
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerInject(program, io);
  return program;
}
