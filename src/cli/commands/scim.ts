/**
 * `roster scim preview --file <users.json>`: before an IdP is switched on, which of its users
 * would be created, adopted (an existing app user) or refused, and with which permission set.
 * Read-only on the server. A report: refused users are its content, not a failure, so it exits
 * 0 whenever the server answered.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { remote } from '../cli-context.ts';
import { CliError, orDash, print, printList, table, withSpinner } from '../output.ts';

interface PreviewItem {
  index: number;
  userName: string | null;
  email: string | null;
  outcome: 'create' | 'adopt' | 'match' | 'refused';
  existingUserId: string | null;
  permissionSetBefore: string | null;
  permissionSet: string | null;
  warning: string | null;
  error: { code: string; message: string } | null;
}

interface Preview {
  summary: { create: number; adopt: number; match: number; refused: number };
  items: PreviewItem[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The users in the file: a JSON array of SCIM User resources, `{ "users": [...] }`, or a SCIM
 * ListResponse as an IdP or `GET /Users` gives it (`Resources`, RFC 7644 §3.4.2).
 */
export function usersOfFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`cannot read ${path}: ${code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : isObject(parsed)
      ? (parsed.users ?? parsed.Resources)
      : undefined;
  if (!Array.isArray(list)) {
    throw new CliError(
      `${path} holds no user list: expected a JSON array of SCIM users, ` +
        '{ "users": [...] } or a SCIM ListResponse { "Resources": [...] }',
    );
  }
  const notUser = list.findIndex((user) => !isObject(user));
  if (notUser !== -1) {
    throw new CliError(`${path}: user ${notUser + 1} is not a JSON object`);
  }
  return list;
}

const setChange = (item: PreviewItem) => {
  if (item.outcome === 'refused') return '-';
  if (item.outcome === 'adopt' || item.outcome === 'match')
    return `${orDash(item.permissionSetBefore)} → ${orDash(item.permissionSet)}`;
  return orDash(item.permissionSet);
};

const note = (item: PreviewItem) =>
  item.error ? `${item.error.message} (${item.error.code})` : (item.warning ?? '');

export function registerScim(program: Command): void {
  const scim = program.command('scim').description('SCIM provisioning, as an IdP would see it');
  scim
    .command('preview')
    .description(
      'which users an IdP user list would create, adopt, match (already provisioned) or be ' +
        'refused, with which permission ' +
        'set (read-only)',
    )
    .requiredOption('-f, --file <users.json>', 'SCIM users: an array, { users } or a ListResponse')
    .action(
      remote(async (ctx, options: { file: string }) => {
        const users = usersOfFile(options.file);
        const preview: Preview = await withSpinner(ctx.json, 'Previewing', () =>
          ctx.client().request('POST', ctx.accountPath('/scim/preview'), { body: { users } }),
        );
        if (ctx.json) return printList(preview.items, null, { summary: preview.summary });
        const { create, adopt, match, refused } = preview.summary;
        const summary =
          `${create} to create, ${adopt} to adopt, ${match} already provisioned (the IdP ` +
          `matches and updates them), ${refused} refused (of ${preview.items.length}); nothing ` +
          'was changed.';
        if (preview.items.length === 0) return print(summary);
        print(
          table(
            ['#', 'USERNAME', 'OUTCOME', 'EXISTING USER', 'PERMISSION SET', 'NOTE'],
            // Numbered as people count: the file's first user is 1.
            preview.items.map((item) => [
              String(item.index + 1),
              orDash(item.userName),
              item.outcome,
              orDash(item.existingUserId),
              setChange(item),
              note(item),
            ]),
          ),
        );
        print(summary);
      }),
    );
}
