/**
 * The files `roster project create --name <name> --features scim` writes: the two configuration
 * files exactly as the seeds show them, with the app's uid set to the project name and its
 * display name spelled from it ("scim-app" → "scim app", the seeds' example).
 */
import { fail, ok, type Result } from '../result.ts';
import { UID_PATTERN } from './parse-project.ts';
import { APP_FILE, PROJECT_APP_DIR, SCIM_APP_SCOPES, SCIM_FILE } from './project-files.ts';

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
  const app = {
    uid: name,
    type: 'app',
    config: {
      description: 'A private app for integrating an IdP with SCIM.',
      name: name.replace(/[-_.]+/g, ' ').trim(),
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
  const scim = { uid: 'scim', type: 'scim', config: { roleSyncEnabled: false } };
  return ok([
    { path: `${PROJECT_APP_DIR}/${APP_FILE}`, contents: json(app) },
    { path: `${PROJECT_APP_DIR}/${SCIM_FILE}`, contents: json(scim) },
  ]);
}
