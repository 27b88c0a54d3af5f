// `twofold maintenance sweep`: delete the rows the server's hourly sweep deletes (every
// account's remembered devices that expired over a day ago), once, now. For a cron job, or
// after a long time with no server running. Safe next to running replicas.
import { sweepExpired } from '../maintenance/sweep.js';
import { jsonOption, type Command } from './command.js';
import { printJson, println } from './io.js';
import { plural } from './output.js';

const sweep: Command = {
  name: 'maintenance sweep',
  summary: 'delete expired rows (remembered devices) now',
  usage: 'twofold maintenance sweep [--json]',
  details: `Deletes every account's remembered devices that expired more than a day ago: the
browser dropped their cookie when they expired, so nothing can use them. The server does the
same at start and then every hour; this runs it once. Safe while replicas run (they share the
work). The audit log is never touched.

Example:
  twofold maintenance sweep`,
  options: { ...jsonOption },
  async run(args, { io, withStorage }) {
    const result = await withStorage((s) => sweepExpired(s));
    if (args.values['json']) {
      printJson(io, { remembered_devices: result.rememberedDevices });
      return;
    }
    println(io.stdout, `Deleted ${plural(result.rememberedDevices, 'remembered device')} that expired more than a day ago.`);
  },
};

export const maintenanceCommands: Command[] = [sweep];
