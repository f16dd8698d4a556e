import { Command, CommanderError, Option } from 'commander';
import { visibleLines } from '../report/escape.js';
import { exitCodeFor, printError } from './exit.js';
import { flushed, quietWhenReaderLeaves } from './streams.js';
import { kdrillVersion } from './version.js';


const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('kdrill')
  .description('Chaos and disaster-recovery drills for kind and kubeadm labs: run a drill, check invariants after every step, always restore.')
  .version(kdrillVersion(), '-v, --version')
  .exitOverride()
  // Usage errors quote the arguments, which may come from anywhere.
  .configureOutput({ writeErr: (s) => process.stderr.write(visibleLines(s)) })
  .addHelpText('after', `
Exit codes:
  0    the drill passed (or: the files are valid)
  1    the drill failed (a step, an expectation, an invariant, a probe budget or a drill budget);
       campaign: a round failed (the replay command is printed);
       history --fail-on-regression: a drill's last run regressed
  2    invalid drill or usage (nothing was run)
  3    lab or infrastructure error (docker missing or unreachable, lab invalidated)
  4    internal error in kdrill
  130  interrupted (Ctrl-C / SIGTERM); the drill's restore steps ran unless Ctrl-C was pressed twice`);

program
  .command('run')
  .description('run a drill: lab up, steps with their checks, restore (always), lab down')
  .argument('<drill>', 'drill file')
  .option('--set <name=value>', 'override a param (repeatable)', collect, [])
  .option('--dry-run', 'print each step with the exact operations it would perform; run nothing')
  .option('--step', 'trainer mode: show each step\'s explanation and wait for Enter before running it')
  .option('--pause-on-failure', 'when a step fails, wait for Enter before running the restore')
  .option('--only <step>', 'run only this step (the restore still runs)')
  .option('--report-dir <dir>', 'where run reports go: <dir>/<drill>/<timestamp>/', 'runs')
  .addOption(new Option('--progress <style>', 'progress display').choices(['auto', 'tree', 'plain']).default('auto'))
  .action(async (file: string, opts) => {
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(file, opts, (code) => process.exit(code));
  });

program
  .command('campaign')
  .description('seeded random fault campaign: rounds of kill, stop, pause or partition of the leader, a follower or a minority, each with its recovery; after each round the history (linearizable, no acknowledged write lost) and HashKV on every member; stops at the first failed round and prints the command that replays it')
  .argument('<lab>', 'a lab file (clusters/etcd-3.yaml) or a drill (its lab is used)')
  .option('--rounds <n>', 'how many rounds', '20')
  .option('--seed <n>', 'the seed the rounds are drawn from (default: a random one, printed)')
  .option('--faults <list>', 'the faults to draw from, comma-separated (default: those of kill,stop,pause,partition the lab can do)')
  .option('--hold <duration>', 'how long each fault stands once it was seen', '1s')
  .option('--keep', 'leave the lab up after the campaign')
  .option('--dry-run', 'print the rounds the seed draws; run nothing')
  .option('--report-dir <dir>', 'where reports go: <dir>/campaign-seed<seed>/<timestamp>/ (campaign.json, campaign.md, junit.xml, round-NN/)', 'runs')
  .option('--set <name=value>', 'override a param of a drill (repeatable)', collect, [])
  .action(async (file: string, opts) => {
    const { campaignCommand } = await import('./commands/campaign.js');
    process.exitCode = await campaignCommand(file, opts, (code) => process.exit(code));
  });

program
  .command('runbook')
  .description("write the drill as a Markdown runbook an operator follows without kdrill: the lab's members and URLs, each step's commands (etcdctl, docker, ssh, kubectl), what to look for, the restore")
  .argument('<drill>', 'drill file')
  .option('--from-run <run dir>', "add what a run observed (its journal.jsonl): each step's verdict, output, checks, commands and timings")
  .option('--out <file>', 'write the runbook to this file (default: stdout)')
  .option('--set <name=value>', 'override a param (repeatable)', collect, [])
  .action(async (file: string, opts) => {
    const { runbookCommand } = await import('./commands/runbook.js');
    process.exitCode = await runbookCommand(file, opts);
  });

const lab = program
  .command('lab')
  .description("a drill's lab by hand (trainers): up (create or adopt, and hold it), status (H-S-M tables and nodes), env (the chapter's etcd helper for a shell), down (remove what kdrill made), give-up (end a waiting exercise; the restore runs)");
for (const [verb, what] of [
  ['up', "bring up (or adopt) the drill's lab and hold it: drill runs on it leave it up until `kdrill lab down`"],
  ['status', 'member list, endpoint status, endpoint health and alarms in etcdctl\'s tables, and the nodes'],
  ['env', 'shell lines defining `etcd` (etcdctl in a member node over mTLS), and KUBECONFIG where the lab has one: eval "$(kdrill lab env <drill>)"'],
  ['down', 'remove what kdrill made for the lab (containers, network, state folder)'],
  ['give-up', 'end the exercise a run is waiting on (from another terminal): it fails as given up, with its time and hints, and the run\'s restore repairs the lab'],
] as const) {
  lab
    .command(verb)
    .description(what)
    .argument('<drill>', 'drill file, or a lab file (clusters/etcd-3.yaml)')
    .option('--set <name=value>', 'override a param (repeatable)', collect, [])
    .action(async (file: string, opts) => {
      const { labCommand } = await import('./commands/lab.js');
      process.exitCode = await labCommand(verb, file, opts);
    });
}

program
  .command('explain')
  .description('the drill as a lesson, with no lab: what it is about, each step with its explanation and what will be checked, the restore')
  .argument('<drill>', 'drill file')
  .option('--set <name=value>', 'override a param (repeatable)', collect, [])
  .action(async (file: string, opts) => {
    const { explainCommand } = await import('./commands/explain.js');
    process.exitCode = await explainCommand(file, opts);
  });

program
  .command('validate')
  .description('check drill files (schema, params, actions, invariants, nodes, files); run nothing')
  .argument('[paths...]', 'drill files or folders (searched recursively)', ['drills'])
  .action(async (paths: string[]) => {
    const { validateCommand } = await import('./commands/validate.js');
    process.exitCode = await validateCommand(paths);
  });

program
  .command('list')
  .description('list drills: name, title, lab, steps')
  .argument('[dir]', 'folder to search', 'drills')
  .action(async (dir: string) => {
    const { listCommand } = await import('./commands/list.js');
    process.exitCode = await listCommand(dir);
  });

program
  .command('history')
  .description('each drill\'s runs with their recovery figures (detection, write gap, recovery, RPO) and the trend against the median of earlier runs')
  .argument('[dir]', 'folder of runs (kdrill run --report-dir)', 'runs')
  .option('--json', 'print the runs, trends and regressions as JSON')
  .option('--html <file>', 'write one self-contained page with a chart per figure')
  .option('--fail-on-regression <percent>', 'exit 1 when the last run of a drill is worse than the median of its earlier runs by more than this, e.g. 25%')
  .action(async (dir: string, opts) => {
    const { historyCommand } = await import('./commands/history.js');
    process.exitCode = await historyCommand(dir, opts);
  });

program
  .command('check-history')
  .description("check a run's recorded client history again (the etcd.history probe's history.jsonl): linearizable, no acknowledged write lost, the RPO of a restore")
  .argument('<run dir>', 'a run folder of a drill with the etcd.history probe (runs/<drill>/<timestamp>), or its history.jsonl')
  .option('--budget <duration>', 'time for the check (default: the probe\'s checkBudget)')
  .option('--json', 'print the verdict as JSON')
  .action(async (dir: string, opts) => {
    const { checkHistoryCommand } = await import('./commands/check-history.js');
    process.exitCode = await checkHistoryCommand(dir, opts);
  });

program
  .command('schema')
  .description('print the JSON Schema of the drill format (committed as schema/drill.schema.json)')
  .action(async () => {
    const { schemaCommand } = await import('./commands/schema.js');
    process.exitCode = await schemaCommand();
  });

quietWhenReaderLeaves(process.stdout, process.stderr);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    printError(err);
    process.exitCode = exitCodeFor(err);
  }
}
// The work is done and the reports are written: do not wait for a client's idle connection
// (a gRPC channel, a keep-alive socket) to time out before handing the exit code back.
if (process.env.KDRILL_DEBUG) {
  const handles = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
  if (handles.length) process.stderr.write(`kdrill: still open at exit: ${handles.join(', ')}\n`);
}
// Whatever is still queued for a pipe (a long schema, dry run or list of problems) is handed over first.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(process.exitCode ?? 0);
