/**
 * Validates the SCIM app project's two files against every field the seeds show, and reports
 * every problem at once, each with its file and JSON path (or line and column for malformed
 * JSON), so one `project validate` run lists everything to fix.
 */
import { fail, ok, type Result } from '../result.ts';
import { findJsonSyntaxError } from './json-syntax.ts';
import {
  APP_FILE,
  type ProjectFileName,
  type ProjectFiles,
  type ProjectProblem,
  SCIM_APP_SCOPES,
  SCIM_FILE,
  type ScimAppProject,
} from './project-files.ts';

/** Roster's rule for `uid`s: what fits in a URL segment and a folder name, up to 64 long. */
export const UID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UID_RULE = '1–64 letters, digits, ".", "_" or "-", starting with a letter or digit';
/** Larger files are not project files; refused before parsing. */
export const MAX_PROJECT_FILE_BYTES = 64 * 1024;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 60))})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  if (typeof value === 'number') return `a number (${value})`;
  return typeof value;
}

const childPath = (path: string, key: string) =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** Collects one file's problems while reading its fields. */
class FileChecker {
  readonly problems: ProjectProblem[] = [];
  constructor(readonly file: ProjectFileName) {}

  report(path: string, message: string): undefined {
    this.problems.push({ file: this.file, path, message });
    return undefined;
  }

  /** An object with exactly the allowed keys (unknown ones are reported, not dropped). */
  object(
    value: unknown,
    path: string,
    allowed: readonly string[],
  ): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.report(path, `expected an object, found ${kindOf(value)}`);
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        this.report(childPath(path, key), `unknown property; allowed here: ${allowed.join(', ')}`);
      }
    }
    return record;
  }

  /** The value of a required property, or a "missing" problem. */
  field(parent: Record<string, unknown>, path: string, key: string, expected: string): unknown {
    if (!Object.hasOwn(parent, key)) {
      return this.report(childPath(path, key), `missing; expected ${expected}`);
    }
    return parent[key];
  }

  string(parent: Record<string, unknown>, path: string, key: string): string | undefined {
    const value = this.field(parent, path, key, 'a string');
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      return this.report(childPath(path, key), `expected a string, found ${kindOf(value)}`);
    }
    return value;
  }

  nonEmptyString(parent: Record<string, unknown>, path: string, key: string): string | undefined {
    const value = this.string(parent, path, key);
    if (value !== undefined && value.trim() === '') {
      return this.report(childPath(path, key), 'must not be empty');
    }
    return value;
  }

  uid(parent: Record<string, unknown>, path: string): string | undefined {
    const value = this.string(parent, path, 'uid');
    if (value !== undefined && !UID_PATTERN.test(value)) {
      return this.report(
        childPath(path, 'uid'),
        `invalid uid ${JSON.stringify(value)}: use ${UID_RULE}`,
      );
    }
    return value;
  }

  literal(parent: Record<string, unknown>, path: string, key: string, wanted: string, why: string) {
    const value = this.field(parent, path, key, JSON.stringify(wanted));
    if (value !== undefined && value !== wanted) {
      this.report(
        childPath(path, key),
        `expected ${JSON.stringify(wanted)}, found ${kindOf(value)}; ${why}`,
      );
    }
  }

  boolean(parent: Record<string, unknown>, path: string, key: string): boolean | undefined {
    const value = this.field(parent, path, key, 'a boolean');
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      return this.report(
        childPath(path, key),
        `expected a boolean (true or false), found ${kindOf(value)}`,
      );
    }
    return value;
  }

  /** An array of strings; its elements' problems are reported each at its index. */
  strings(parent: Record<string, unknown>, path: string, key: string): string[] | undefined {
    const value = this.field(parent, path, key, 'an array of strings');
    if (value === undefined) return undefined;
    const at = childPath(path, key);
    if (!Array.isArray(value))
      return this.report(at, `expected an array of strings, found ${kindOf(value)}`);
    let valid = true;
    value.forEach((element, index) => {
      if (typeof element !== 'string') {
        valid = false;
        this.report(`${at}[${index}]`, `expected a string, found ${kindOf(element)}`);
      }
    });
    return valid ? (value as string[]) : undefined;
  }

  /** An array that must stay empty in a SCIM app. */
  emptyStrings(parent: Record<string, unknown>, path: string, key: string, why: string) {
    const value = this.strings(parent, path, key);
    if (value !== undefined && value.length > 0) {
      this.report(childPath(path, key), `must be an empty array; ${why}`);
    }
  }
}

/** Parses a file's text, or reports why it is not JSON (with line and column). */
function parseJson(
  file: ProjectFileName,
  text: string | undefined,
  problems: ProjectProblem[],
): unknown {
  if (text === undefined) {
    problems.push({ file, message: `file is missing (expected src/app/${file})` });
    return undefined;
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_PROJECT_FILE_BYTES) {
    problems.push({ file, message: `file is larger than ${MAX_PROJECT_FILE_BYTES} bytes` });
    return undefined;
  }
  // Editors on some systems start files with a byte order mark; it is not part of the JSON.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const error = findJsonSyntaxError(body) ?? { line: 1, column: 1, message: 'not valid JSON' };
    const offset = body === text ? 0 : 1;
    problems.push({
      file,
      line: error.line,
      column: error.line === 1 ? error.column + offset : error.column,
      message: `invalid JSON: ${error.message}`,
    });
    return undefined;
  }
}

function checkAppFile(json: unknown, problems: ProjectProblem[]) {
  const c = new FileChecker(APP_FILE);
  const root = c.object(json, '$', ['uid', 'type', 'config']);
  let app: ScimAppProject['app'] | undefined;
  if (root) {
    const uid = c.uid(root, '$');
    c.literal(root, '$', 'type', 'app', 'this file describes the app');
    const config = c.field(root, '$', 'config', 'an object');
    const cfg =
      config === undefined
        ? undefined
        : c.object(config, '$.config', [
            'description',
            'name',
            'distribution',
            'auth',
            'permittedUrls',
          ]);
    if (cfg) {
      const description = c.string(cfg, '$.config', 'description');
      const name = c.nonEmptyString(cfg, '$.config', 'name');
      c.literal(
        cfg,
        '$.config',
        'distribution',
        'private',
        'a SCIM app is installed in its own account only',
      );
      const auth = c.field(cfg, '$.config', 'auth', 'an object');
      const authObject =
        auth === undefined
          ? undefined
          : c.object(auth, '$.config.auth', [
              'type',
              'requiredScopes',
              'optionalScopes',
              'conditionallyRequiredScopes',
            ]);
      if (authObject) {
        c.literal(
          authObject,
          '$.config.auth',
          'type',
          'static',
          'a SCIM app authenticates with a static access token',
        );
        const scopes = c.strings(authObject, '$.config.auth', 'requiredScopes');
        if (scopes) {
          const missing = SCIM_APP_SCOPES.filter((scope) => !scopes.includes(scope));
          if (missing.length > 0) {
            c.report(
              '$.config.auth.requiredScopes',
              `missing the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
            );
          }
          scopes.forEach((scope, index) => {
            if (!(SCIM_APP_SCOPES as readonly string[]).includes(scope)) {
              c.report(
                `$.config.auth.requiredScopes[${index}]`,
                `unknown scope ${JSON.stringify(scope)}; a SCIM app requires exactly ${SCIM_APP_SCOPES.join(', ')}`,
              );
            } else if (scopes.indexOf(scope) !== index) {
              c.report(
                `$.config.auth.requiredScopes[${index}]`,
                `duplicate scope ${JSON.stringify(scope)}`,
              );
            }
          });
        }
        c.emptyStrings(
          authObject,
          '$.config.auth',
          'optionalScopes',
          'a SCIM app has no optional scopes',
        );
        c.emptyStrings(
          authObject,
          '$.config.auth',
          'conditionallyRequiredScopes',
          'a SCIM app has no conditional scopes',
        );
      }
      const urls = c.field(cfg, '$.config', 'permittedUrls', 'an object');
      const urlsObject =
        urls === undefined
          ? undefined
          : c.object(urls, '$.config.permittedUrls', ['fetch', 'iframe', 'img']);
      if (urlsObject) {
        for (const key of ['fetch', 'iframe', 'img']) {
          c.emptyStrings(
            urlsObject,
            '$.config.permittedUrls',
            key,
            'a SCIM app loads nothing in the browser',
          );
        }
      }
      if (uid !== undefined && name !== undefined && description !== undefined) {
        app = { uid, name: name.trim(), description };
      }
    }
  }
  problems.push(...c.problems);
  return c.problems.length === 0 ? app : undefined;
}

function checkScimFile(json: unknown, appUid: string | undefined, problems: ProjectProblem[]) {
  const c = new FileChecker(SCIM_FILE);
  const root = c.object(json, '$', ['uid', 'type', 'config']);
  let scim: ScimAppProject['scim'] | undefined;
  if (root) {
    const uid = c.uid(root, '$');
    if (uid !== undefined && uid === appUid) {
      c.report(
        '$.uid',
        `must differ from the app's uid ${JSON.stringify(appUid)} (app-hsmeta.json)`,
      );
    }
    c.literal(root, '$', 'type', 'scim', 'this file configures the SCIM component');
    const config = c.field(root, '$', 'config', 'an object');
    const cfg =
      config === undefined ? undefined : c.object(config, '$.config', ['roleSyncEnabled']);
    const roleSyncEnabled = cfg && c.boolean(cfg, '$.config', 'roleSyncEnabled');
    if (uid !== undefined && roleSyncEnabled !== undefined) scim = { uid, roleSyncEnabled };
  }
  problems.push(...c.problems);
  return c.problems.length === 0 ? scim : undefined;
}

/** The app uid as written, when there is one, so the SCIM file's uid can be compared to it. */
function rawAppUid(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const uid = (json as { uid?: unknown }).uid;
  return typeof uid === 'string' ? uid : undefined;
}

/** Validates both files; every problem of both is reported. */
export function parseScimAppProject(files: ProjectFiles): Result<ScimAppProject, ProjectProblem[]> {
  const problems: ProjectProblem[] = [];
  const appJson = parseJson(APP_FILE, files[APP_FILE], problems);
  const scimJson = parseJson(SCIM_FILE, files[SCIM_FILE], problems);
  const app = appJson === undefined ? undefined : checkAppFile(appJson, problems);
  const scim =
    scimJson === undefined ? undefined : checkScimFile(scimJson, rawAppUid(appJson), problems);
  if (problems.length > 0 || !app || !scim) return fail(problems);
  return ok({ app, scim });
}
