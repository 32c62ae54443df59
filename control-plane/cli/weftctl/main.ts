#!/usr/bin/env node
/** `weftctl`: weft's command-line tool (subcommands in program.ts). */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { createProgram } from './program.js';

const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
const program = createProgram(
  {
    readStdin: () => text(process.stdin),
    readFile: (path) => readFile(path, 'utf8'),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  },
  version,
);
await program.parseAsync(process.argv);
