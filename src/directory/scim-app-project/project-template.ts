/**
 * The files `roster project create --name <name> --features scim` writes: the two configuration
 * files exactly as the seeds show them, with the app's uid set to the project name and its
 * display name spelled from it ("scim-app" → "scim app", the seeds' example).
 */
import { fail, ok, type Result } from '../result.ts';
import { UID_PATTERN } from './parse-project.ts';
import {
  APP_FILE,
  PROJECT_APP_DIR,
  type ProjectFiles,
  SCIM_APP_SCOPES,
  SCIM_FILE,
  type ScimAppProject,
} from './project-files.ts';

export interface TemplateFile {
  /** Relative to the project folder, with forward slashes. */
  readonly path: string;
  readonly contents: string;
}

/** The only feature a Roster project has. */
export const PROJECT_FEATURES = ['scim'] as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function scimAppProjectTemplate({
  name,
  features = ['scim'],
}: {
  name: string;
  features?: readonly string[];
}): Result<TemplateFile[], string> {
  if (!UID_PATTERN.test(name)) {
    return fail(
      `invalid project name ${JSON.stringify(name)}: it becomes the app's uid and folder; use ` +
        '1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const unknown = features.filter((f) => !(PROJECT_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) {
    return fail(
      `unknown feature ${unknown.map((f) => JSON.stringify(f)).join(', ')}; available: scim`,
    );
  }
  if (!features.includes('scim'))
    return fail('a Roster project needs the scim feature: --features scim');
  const files = projectFiles({
    app: {
      uid: name,
      name: name.replace(/[-_.]+/g, ' ').trim(),
      description: 'A private app for integrating an IdP with SCIM.',
    },
    scim: { uid: 'scim', roleSyncEnabled: false },
  });
  return ok([
    { path: `${PROJECT_APP_DIR}/${APP_FILE}`, contents: files[APP_FILE] as string },
    { path: `${PROJECT_APP_DIR}/${SCIM_FILE}`, contents: files[SCIM_FILE] as string },
  ]);
}

/**
 * Both files of a project, in the seeds' layout, for what Roster keeps of one: the template's
 * content, and how the console re-uploads an app to change `roleSyncEnabled` (the same upload,
 * checked by the same parser, as a project from disk).
 */
export function projectFiles(project: ScimAppProject): Required<ProjectFiles> {
  const app = {
    uid: project.app.uid,
    type: 'app',
    config: {
      description: project.app.description,
      name: project.app.name,
      distribution: 'private',
      auth: {
        type: 'static',
        requiredScopes: [...SCIM_APP_SCOPES],
        optionalScopes: [],
        conditionallyRequiredScopes: [],
      },
      permittedUrls: { fetch: [], iframe: [], img: [] },
    },
  };
  const scim = {
    uid: project.scim.uid,
    type: 'scim',
    config: { roleSyncEnabled: project.scim.roleSyncEnabled },
  };
  return { [APP_FILE]: json(app), [SCIM_FILE]: json(scim) };
}
