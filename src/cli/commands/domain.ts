/**
 * `roster domain add | verify | list | show | remove | share` (seeds: "Add a verified domain").
 * `add` prints the TXT record to publish; `verify` checks now, or with `--wait` keeps checking
 * (with a spinner) until the record is seen or the wait ends; a failed check exits non-zero with
 * the exact reason. `share` is the operator's: it lets an account verify a domain another
 * account verified first.
 */
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import {
  CliError,
  confirmFirst,
  fields,
  orDash,
  print,
  printJson,
  printList,
  table,
  withSpinner,
} from '../output.ts';
import { parseDuration } from './app.ts';

interface DomainView {
  domain: string;
  state: string;
  txtRecord: { host: string; value: string };
  lastCheckedAt: string | null;
  verifiedAt: string | null;
  failureReason: string | null;
  checkUntil: string | null;
  sharingAllowed: boolean;
}

const path = (ctx: CliContext, domain?: string) =>
  ctx.accountPath(domain === undefined ? '/domains' : `/domains/${encodeURIComponent(domain)}`);

function record(domain: DomainView): string {
  return fields([
    ['Type', 'TXT'],
    ['Host (name)', domain.txtRecord.host],
    ['Value', domain.txtRecord.value],
  ]);
}

async function add(ctx: CliContext, name: string): Promise<void> {
  const domain = (await ctx
    .client()
    .request('POST', path(ctx), { body: { domain: name } })) as DomainView;
  if (ctx.json) return printJson(domain);
  print(`Added ${domain.domain} (pending). In your DNS provider, publish this record:\n`);
  print(record(domain));
  print(
    `\nThen run: roster domain verify ${domain.domain} (add --wait 10m to keep checking).\n` +
      'DNS changes may take up to 48 hours to propagate; Roster re-checks pending domains meanwhile.',
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function verify(
  ctx: CliContext,
  name: string,
  options: { wait?: string; interval: string },
): Promise<void> {
  const client = ctx.client();
  const waitSeconds = options.wait === undefined ? 0 : parseDuration(options.wait);
  const intervalMs = Math.max(1, parseDuration(options.interval)) * 1000;
  const deadline = Date.now() + waitSeconds * 1000;
  const until = new Date(deadline).toISOString().slice(11, 19);
  const check = await withSpinner(
    ctx.json,
    waitSeconds > 0
      ? `Waiting for the TXT record of ${name} to verify (checking every ` +
          `${options.interval} until ${until} UTC)`
      : `Looking up the TXT record of ${name}`,
    async (update) => {
      for (let attempt = 1; ; attempt++) {
        const result = await client.request('POST', `${path(ctx, name)}/verify`);
        if (result.verified || Date.now() + intervalMs > deadline) return result;
        // The reason in words (no record yet, a wrong value and what was found...), not a code.
        update(
          `Not verified yet (check ${attempt}): ${result.reason}; checking again in ` +
            `${options.interval}`,
        );
        await sleep(intervalMs);
      }
    },
    { narrate: waitSeconds > 0 },
  );
  if (ctx.json) printJson(check);
  if (!check.verified) {
    throw new CliError(`${check.domain.domain} is not verified: ${check.reason}`, [], 3);
  }
  if (!ctx.json) print(`${check.domain.domain} is verified.`);
}

async function list(ctx: CliContext): Promise<void> {
  const { items } = (await ctx.client().request('GET', path(ctx))) as { items: DomainView[] };
  if (ctx.json) return printList(items);
  if (items.length === 0) return print('No domains yet: roster domain add <domain>');
  print(
    table(
      ['DOMAIN', 'STATE', 'LAST CHECKED', 'TXT HOST', 'REASON'],
      items.map((d) => [
        d.domain,
        d.state,
        orDash(d.lastCheckedAt),
        d.txtRecord.host,
        d.state === 'verified' ? '' : orDash(d.failureReason),
      ]),
    ),
  );
}

async function show(ctx: CliContext, name: string): Promise<void> {
  const d = (await ctx.client().request('GET', path(ctx, name))) as DomainView;
  if (ctx.json) return printJson(d);
  print(
    fields([
      ['Domain', d.domain],
      ['State', d.state],
      ['Verified', orDash(d.verifiedAt)],
      ['Last checked', orDash(d.lastCheckedAt)],
      ['Re-checked until', orDash(d.checkUntil)],
      ['Shared', d.sharingAllowed ? 'yes (allowed by the operator)' : 'no'],
      ['Reason', d.state === 'verified' ? '-' : orDash(d.failureReason)],
    ]),
  );
  print(`\n${record(d)}`);
}

async function share(ctx: CliContext, name: string, options: { off?: boolean }): Promise<void> {
  const sharingAllowed = !options.off;
  const d = (await ctx
    .client()
    .request('PATCH', path(ctx, name), { body: { sharingAllowed } })) as DomainView;
  if (ctx.json) return printJson(d);
  print(
    sharingAllowed
      ? `${d.domain} may now be verified for this account although another account holds it: ` +
          `run roster domain verify ${d.domain}.`
      : `${d.domain} is no longer shared: another account's verification comes first.`,
  );
}

async function remove(ctx: CliContext, name: string, options: { yes?: boolean }): Promise<void> {
  await confirmFirst(
    `Remove ${name}? Its users can no longer be provisioned until it is verified again.`,
    options.yes,
  );
  await ctx.client().request('DELETE', path(ctx, name));
  if (ctx.json) return printJson({ removed: name });
  print(`Removed ${name}.`);
}

export function registerDomain(program: Command): void {
  const domain = program.command('domain').description("the account's verified domains");
  domain
    .command('add <domain>')
    .description('add a domain: prints the TXT record to publish')
    .action(remote(add));
  domain
    .command('verify <domain>')
    .description('look the TXT record up now (exit 3 with the reason when not verified)')
    .option('--wait <duration>', 'keep checking until verified or this long has passed (e.g. 10m)')
    .option('--interval <duration>', 'time between checks while waiting', '10s')
    .action(remote(verify));
  domain
    .command('list')
    .description('domains with their state and the reason of the last check')
    .action(remote(list));
  domain
    .command('show <domain>')
    .description('one domain, with its TXT record')
    .action(remote(show));
  domain
    .command('remove <domain>')
    .description('remove a domain; asks first on a terminal')
    .option('-y, --yes', 'do not ask')
    .action(remote(remove));
  domain
    .command('share <domain>')
    .description(
      '(operator key) let the account verify a domain another account verified first ' +
        '(a domain is otherwise verified for one account only)',
    )
    .option('--off', 'take the permission back')
    .action(remote(share));
}
