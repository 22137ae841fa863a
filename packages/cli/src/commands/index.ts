/** Every `hoso` command, registered on the program. */
import type { Command } from 'commander';
import type { Output } from '../io.js';
import { registerDemo } from './demo.js';
import { registerKeys } from './keys.js';
import { registerCheckpointCommands } from './checkpoints.js';
import { registerVerifyCommands } from './verify.js';
import { registerBookCommands } from './books.js';
import { registerLedgerCommands } from './ledger.js';
import { registerSheetCommands } from './sheets.js';
import { registerSignatureCommands } from './signatures.js';
import { registerDocumentCommands } from './documents.js';
import { registerServeVerifier } from './serve-verifier.js';
import { registerPersonalDataCommands } from './personal.js';

/** The order `hoso --help` lists the commands in: the demo, writing, checking, then the tools. */
const ORDER = [
  'demo',
  'init',
  'import',
  'exec',
  'export',
  'export-xlsx',
  'verify',
  'verify-document',
  'print',
  'checkpoint',
  'witness',
  'prove',
  'consistency',
  'export-signature',
  'keys',
  'show',
  'log',
  'retention',
  'access-log',
  'serve-verifier',
];

/** Add every command to `program`. */
export function registerCommands(program: Command, io: Output): void {
  registerDemo(program, io);
  registerKeys(program, io);
  registerPersonalDataCommands(program, io);
  registerCheckpointCommands(program, io);
  registerVerifyCommands(program, io);
  registerBookCommands(program, io);
  registerLedgerCommands(program, io);
  registerSheetCommands(program, io);
  registerSignatureCommands(program, io);
  registerDocumentCommands(program, io);
  registerServeVerifier(program, io);
  // Commands are grouped by module above; list them in reading order instead.
  (program.commands as Command[]).sort((a, b) => ORDER.indexOf(a.name()) - ORDER.indexOf(b.name()));
}
