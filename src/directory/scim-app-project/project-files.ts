/**
 * The SCIM app project as the seeds lay it out: `src/app/app-hsmeta.json` (the app) and
 * `src/app/scim/scim-hsmeta.json` (its SCIM component). Files are named relative to `src/app/`
 * in problems and in uploads, as the seeds name them.
 */

/** Where the project's app files live, relative to the project folder. */
export const PROJECT_APP_DIR = 'src/app';
export const APP_FILE = 'app-hsmeta.json';
export const SCIM_FILE = 'scim/scim-hsmeta.json';
export const PROJECT_FILES = [APP_FILE, SCIM_FILE] as const;
export type ProjectFileName = (typeof PROJECT_FILES)[number];

/** The two files' text, as read from disk or received in an upload. */
export type ProjectFiles = { readonly [name in ProjectFileName]?: string | undefined };

/** The scopes a SCIM app's static auth requires (seeds: "all other fields should not be changed"). */
export const SCIM_APP_SCOPES = [
  'crm.objects.users.read',
  'crm.objects.users.write',
  'settings.users.read',
  'settings.users.write',
] as const;

/** What Roster keeps of a valid project. */
export interface ScimAppProject {
  readonly app: {
    readonly uid: string;
    readonly name: string;
    readonly description: string;
  };
  readonly scim: {
    readonly uid: string;
    readonly roleSyncEnabled: boolean;
  };
}

export interface ProjectProblem {
  readonly file: ProjectFileName;
  /** JSON path of the offending value (`$.config.roleSyncEnabled`); absent for syntax errors. */
  readonly path?: string | undefined;
  /** Where a syntax error is, 1-based. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly message: string;
}

/** `scim/scim-hsmeta.json: $.config.roleSyncEnabled: expected a boolean`, or `file:line:col: …`. */
export function formatProblem(problem: ProjectProblem): string {
  if (problem.line !== undefined) {
    return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
  }
  return problem.path === undefined
    ? `${problem.file}: ${problem.message}`
    : `${problem.file}: ${problem.path}: ${problem.message}`;
}
