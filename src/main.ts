/** The process entry that `bin/mesos-dns` runs: the command line goes to `main`. */
import { main } from './cli.js';

await main(process.argv.slice(2));
