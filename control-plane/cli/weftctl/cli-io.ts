/** Where a weftctl command reads and writes, so tests and the binary share one program. */
export interface CliIo {
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}
