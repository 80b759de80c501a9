/**
 * `roster init` (the seeds' `hs init`): with the operator key, creates an account, issues an
 * admin key for it and saves a profile bound to it, so the other commands act on that account.
 * Interactive by default (@clack/prompts); `--yes` takes the flags and asks nothing.
 */
import { cancel, confirm, intro, isCancel, note, outro, select, text } from '@clack/prompts';
import type { Command } from 'commander';
import { type CliContext, remote } from '../cli-context.ts';
import { CliError, fields, interactive, print, printJson, withSpinner } from '../output.ts';
import { saveProfile } from '../profiles.ts';

const TIERS = ['starter', 'professional', 'enterprise'] as const;
const MODELS = ['classic', 'seats'] as const;

interface InitOptions {
  yes?: boolean;
  name?: string;
  tier: string;
  pricingModel: string;
  sso: boolean;
  profileName?: string;
}

interface Answers {
  name: string;
  tier: string;
  pricingModel: string;
  ssoEnabled: boolean;
  profile: string;
}

/** 'Acme Corp' → 'acme-corp': a profile name people can type. */
export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'account';

function oneOf(value: string, allowed: readonly string[], flag: string): string {
  if (!allowed.includes(value)) {
    throw new CliError(`${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value;
}

function bail<T>(value: T | symbol): Exclude<T, symbol> {
  if (isCancel(value) || typeof value === 'symbol') {
    cancel('Nothing was created.');
    throw new CliError('cancelled', [], 130);
  }
  return value as Exclude<T, symbol>;
}

async function ask(options: InitOptions): Promise<Answers> {
  intro('roster init');
  const name = bail(
    await text({
      message: 'Account name',
      placeholder: 'Acme Corp',
      initialValue: options.name ?? '',
      validate: (value) => (value?.trim() ? undefined : 'The account needs a name'),
    }),
  ).trim();
  const tier = bail(
    await select({
      message: 'Plan (SCIM needs professional or enterprise)',
      initialValue: options.tier,
      options: TIERS.map((t) => ({ value: t, label: t })),
    }),
  );
  const pricingModel = bail(
    await select({
      message: 'Pricing model',
      initialValue: options.pricingModel,
      options: [
        { value: 'classic', label: 'classic', hint: 'paid seats come from permission sets' },
        { value: 'seats', label: 'seats', hint: 'seats are assigned per user' },
      ],
    }),
  );
  const ssoEnabled = bail(
    await confirm({
      message: 'Is single sign-on (SSO) enabled? (SCIM needs it)',
      initialValue: options.sso,
    }),
  );
  const profile = bail(
    await text({
      message: 'Save the connection as profile',
      initialValue: options.profileName ?? slug(name),
      validate: (value) => (value?.trim() ? undefined : 'Name the profile'),
    }),
  ).trim();
  return { name, tier, pricingModel, ssoEnabled, profile };
}

async function init(ctx: CliContext, options: InitOptions): Promise<void> {
  const { url } = ctx.connection();
  const client = ctx.client();
  // The key first: nobody should answer every question to learn it was the wrong key.
  const caller = (await client.request('GET', '/me')) as { kind: string };
  if (caller.kind !== 'operator') {
    throw new CliError(
      'roster init creates an account, which needs the operator key: roster login --key <operator key>',
    );
  }
  let answers: Answers;
  if (options.yes) {
    if (!options.name) throw new CliError('roster init --yes needs --name <account name>');
    answers = {
      name: options.name,
      tier: oneOf(options.tier, TIERS, '--tier'),
      pricingModel: oneOf(options.pricingModel, MODELS, '--pricing-model'),
      ssoEnabled: options.sso,
      profile: options.profileName ?? slug(options.name),
    };
  } else if (interactive(ctx.json)) {
    answers = await ask(options);
  } else {
    throw new CliError(
      'roster init asks questions, and this is not a terminal: pass --yes with --name ' +
        '(and --tier, --pricing-model, --no-sso as needed)',
    );
  }
  const { account, key } = await withSpinner(ctx.json, 'Creating the account', async () => {
    const created = await client.request('POST', '/accounts', {
      body: {
        name: answers.name,
        tier: answers.tier,
        pricingModel: answers.pricingModel,
        ssoEnabled: answers.ssoEnabled,
      },
    });
    const issued = await client.request('POST', `/accounts/${created.id}/admin-keys`, {
      body: { name: `roster CLI (${answers.profile})` },
    });
    return { account: created, key: issued };
  });
  const file = saveProfile(ctx.configDir, answers.profile, {
    url,
    key: key.key,
    account: account.id,
  });
  if (ctx.json) {
    printJson({
      account,
      adminKey: { id: key.id, prefix: key.prefix },
      profile: answers.profile,
      file,
    });
    return;
  }
  const summary = fields([
    ['Account', `${account.name} (${account.id})`],
    [
      'Plan',
      `${account.tier}, ${account.pricingModel} pricing, SSO ${account.ssoEnabled ? 'on' : 'off'}`,
    ],
    [
      'SCIM',
      account.scim.installable
        ? 'can be installed'
        : account.scim.missing.map((m: { message: string }) => m.message).join('; '),
    ],
    ['Profile', `'${answers.profile}' (selected; account admin key ${key.prefix}…) in ${file}`],
  ]);
  const next = [
    'Next:',
    '  roster project create --name scim-app --features scim',
    '  cd scim-app && roster project upload',
    '  roster domain add <your domain>     (publish the TXT record, then roster domain verify)',
    '  roster app install',
  ].join('\n');
  if (interactive(ctx.json) && !options.yes) {
    note(summary, 'Account created');
    outro(next);
  } else {
    print(`${summary}\n\n${next}`);
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create an account with the operator key and save a profile for it')
    .option('-y, --yes', 'ask nothing: take the flags (for scripts)')
    .option('--name <name>', 'account name')
    .option('--tier <tier>', 'starter | professional | enterprise', 'enterprise')
    .option('--pricing-model <model>', 'classic | seats', 'classic')
    .option('--no-sso', 'single sign-on is not enabled yet (SCIM needs it)')
    .option(
      '--profile-name <name>',
      'save the profile under this name (default: from the account name)',
    )
    .action(remote(init));
}
