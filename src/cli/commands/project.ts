/**
 * `roster project create | validate | upload` (seeds: `hs project create`, `hs project upload`).
 * A project is a folder holding `src/app/app-hsmeta.json` and `src/app/scim/scim-hsmeta.json`;
 * validate checks it locally with the server's own parser, upload sends both files' text.
 */
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { parseScimAppProject } from '../../directory/scim-app-project/parse-project.ts';
import {
  formatProblem,
  PROJECT_APP_DIR,
  PROJECT_FILES,
  type ProjectFiles,
} from '../../directory/scim-app-project/project-files.ts';
import { scimAppProjectTemplate } from '../../directory/scim-app-project/project-template.ts';
import { ApiError } from '../api-client.ts';
import { type CliContext, local, remote } from '../cli-context.ts';
import { CliError, fields, print, printJson, withSpinner } from '../output.ts';

/** The seeds' `hs project create` flags Roster accepts, and the only values that make sense. */
const FIXED_FLAGS = {
  projectBase: ['app', '--project-base'],
  distribution: ['private', '--distribution'],
  auth: ['static', '--auth'],
} as const;

interface CreateOptions {
  name: string;
  dest?: string;
  features: string;
  platformVersion?: string;
  projectBase: string;
  distribution: string;
  auth: string;
}

function readProject(dir: string): { files: ProjectFiles; root: string } {
  const root = resolve(dir);
  const appDir = join(root, PROJECT_APP_DIR);
  if (!existsSync(appDir)) {
    throw new CliError(
      `${relative(process.cwd(), appDir) || appDir} does not exist: run this in a project folder ` +
        '(roster project create --name scim-app --features scim), or pass --dir',
    );
  }
  const files: Record<string, string | undefined> = {};
  const realRoot = realpathSync(root);
  for (const name of PROJECT_FILES) files[name] = readProjectFile(realRoot, join(appDir, name));
  return { files: files as ProjectFiles, root };
}

/**
 * A project file's text, or undefined when it does not exist. Only a regular file inside the
 * project folder is read: the upload sends the text to the server (and its audit trail once
 * kept it), so a link to `profiles.json` or `~/.ssh/…` must never be followed.
 */
function readProjectFile(realRoot: string, path: string): string | undefined {
  const shown = relative(process.cwd(), path) || path;
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (stat.isSymbolicLink()) {
    throw new CliError(
      `${shown} is a symbolic link; project files must be regular files inside the project folder (replace the link with a copy of the file)`,
    );
  }
  if (!stat.isFile()) throw new CliError(`${shown} is not a regular file`);
  // A linked directory on the way (src/app/scim → elsewhere) leads outside as surely.
  const real = realpathSync(path);
  if (!real.startsWith(realRoot + sep)) {
    throw new CliError(
      `${shown} resolves to ${real}, outside the project folder ${realRoot}; project files must live in the project folder itself`,
    );
  }
  // O_NOFOLLOW: a link swapped in since the checks above is refused, not followed.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** `src/app/scim/scim-hsmeta.json: $.config.roleSyncEnabled: …`: paths as the folder has them. */
const inProject = (line: string) => `${PROJECT_APP_DIR}/${line}`;

function create(ctx: { json: boolean }, options: CreateOptions): Promise<void> {
  for (const [key, [wanted, flag]] of Object.entries(FIXED_FLAGS)) {
    const given = options[key as keyof typeof FIXED_FLAGS];
    if (given !== wanted)
      throw new CliError(`${flag} must be '${wanted}' for a SCIM app (got '${given}')`);
  }
  const features = options.features
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const template = scimAppProjectTemplate({ name: options.name, features });
  if (!template.ok) throw new CliError(template.error);
  const root = resolve(options.dest ?? options.name);
  const clashes = template.value.filter((f) => existsSync(join(root, f.path)));
  if (clashes.length > 0) {
    throw new CliError(
      `${clashes.map((f) => join(root, f.path)).join(', ')} already exist${clashes.length === 1 ? 's' : ''}; ` +
        'choose another --dest, or edit the files there',
    );
  }
  for (const file of template.value) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents, { flag: 'wx' });
  }
  if (ctx.json) {
    printJson({ root, files: template.value.map((f) => f.path) });
    return Promise.resolve();
  }
  print(`Created the project '${options.name}' in ${root}:`);
  print(
    [
      '└── src/',
      '    └── app/',
      '        └── app-hsmeta.json',
      '        └── scim/',
      '            └── scim-hsmeta.json',
    ].join('\n'),
  );
  print(
    '\nReview the uid, description and name in src/app/app-hsmeta.json and roleSyncEnabled in ' +
      `src/app/scim/scim-hsmeta.json, then:\n  cd ${relative(process.cwd(), root) || '.'} && roster project upload`,
  );
  return Promise.resolve();
}

async function validate(ctx: { json: boolean }, options: { dir: string }): Promise<void> {
  const { files, root } = readProject(options.dir);
  const parsed = parseScimAppProject(files);
  if (!parsed.ok) {
    if (ctx.json) printJson({ valid: false, root, problems: parsed.error });
    const lines = parsed.error.map((p) => inProject(formatProblem(p)));
    throw new CliError(
      `the project has ${lines.length} problem${lines.length === 1 ? '' : 's'}`,
      lines,
    );
  }
  const { app, scim } = parsed.value;
  if (ctx.json) return printJson({ valid: true, root, project: parsed.value });
  print(
    `The project is valid: app '${app.uid}' ("${app.name}"), SCIM component '${scim.uid}', roleSyncEnabled ${scim.roleSyncEnabled}.`,
  );
}

async function upload(ctx: CliContext, options: { dir: string }): Promise<void> {
  const { files } = readProject(options.dir);
  const client = ctx.client();
  const path = ctx.accountPath('/scim-app');
  let result: {
    app: { uid: string; name: string; roleSyncEnabled: boolean; installed: boolean };
    created: boolean;
    changes: string[];
  };
  try {
    result = await withSpinner(ctx.json, 'Uploading the project', () =>
      client.request('PUT', path, { body: { files } }),
    );
  } catch (error) {
    // The server's problems name the file relative to src/app/; show them as the folder has them.
    if (error instanceof ApiError && error.code === 'scim_app.invalid_project') {
      throw new CliError(
        `the project has ${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}; nothing was uploaded`,
        error.errors.map((e) => inProject(e.message)),
      );
    }
    throw error;
  }
  if (ctx.json) return printJson(result);
  const { app } = result;
  if (result.created) print(`Uploaded the SCIM app '${app.uid}' ("${app.name}").`);
  else if (result.changes.length === 0)
    print(`The SCIM app '${app.uid}' is up to date; nothing changed.`);
  else
    print(`Updated the SCIM app '${app.uid}':\n${result.changes.map((c) => `  ${c}`).join('\n')}`);
  print(
    fields([
      ['roleSyncEnabled', app.roleSyncEnabled],
      ['installed', app.installed ? 'yes' : 'no (roster app install)'],
    ]),
  );
}

export function registerProject(program: Command): void {
  const project = program
    .command('project')
    .description('the SCIM app project folder (seeds: hs project)');
  project
    .command('create')
    .description('write a new project: src/app/app-hsmeta.json and src/app/scim/scim-hsmeta.json')
    .requiredOption('--name <name>', "the app's uid and the folder name, e.g. scim-app")
    .option('--dest <dir>', 'where to create it (default: a folder named after --name)')
    .option('--features <list>', 'comma-separated features; Roster has scim', 'scim')
    .option('--platform-version <version>', 'accepted for hs compatibility; ignored')
    .option('--project-base <base>', 'accepted for hs compatibility: app', 'app')
    .option('--distribution <distribution>', 'accepted for hs compatibility: private', 'private')
    .option('--auth <auth>', 'accepted for hs compatibility: static', 'static')
    .action(local(create));
  project
    .command('validate')
    .description('check both files locally; every problem with its file and JSON path')
    .option('--dir <dir>', 'the project folder', '.')
    .action(local(validate));
  project
    .command('upload')
    .description("upload the project as the account's SCIM app (again to change roleSyncEnabled)")
    .option('--dir <dir>', 'the project folder', '.')
    .action(remote(upload));
}
