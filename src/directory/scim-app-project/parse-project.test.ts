import { describe, expect, it } from 'vitest';
import { SEED_APP, SEED_SCIM } from '../../../test/helpers/seed-project.ts';
import { parseScimAppProject } from './parse-project.ts';
import { formatProblem, type ProjectFiles } from './project-files.ts';
import { scimAppProjectTemplate } from './project-template.ts';

const seedFiles: ProjectFiles = { 'app-hsmeta.json': SEED_APP, 'scim/scim-hsmeta.json': SEED_SCIM };

function problems(files: ProjectFiles): string[] {
  const result = parseScimAppProject(files);
  if (result.ok) return [];
  return result.error.map(formatProblem);
}

// biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary JSON to break it
function edit(text: string, change: (json: Record<string, any>) => void): string {
  const json = JSON.parse(text);
  change(json);
  return JSON.stringify(json, null, 2);
}

describe('SCIM app project template', () => {
  it('writes the seeds’ two files byte for byte for --name scim-app', () => {
    const result = scimAppProjectTemplate({ name: 'scim-app' });
    expect(result).toEqual({
      ok: true,
      value: [
        { path: 'src/app/app-hsmeta.json', contents: SEED_APP },
        { path: 'src/app/scim/scim-hsmeta.json', contents: SEED_SCIM },
      ],
    });
  });

  it('uses the name as the uid and spells the display name from it', () => {
    const result = scimAppProjectTemplate({ name: 'acme_okta.sync' });
    if (!result.ok) throw new Error(result.error);
    const app = JSON.parse(result.value[0]?.contents ?? '');
    expect(app.uid).toBe('acme_okta.sync');
    expect(app.config.name).toBe('acme okta sync');
    const files = Object.fromEntries(
      result.value.map((f) => [f.path.replace('src/app/', ''), f.contents]),
    );
    expect(parseScimAppProject(files).ok).toBe(true);
  });

  it('refuses names that cannot be a uid, and features other than scim', () => {
    expect(scimAppProjectTemplate({ name: 'my app' })).toMatchObject({ ok: false });
    expect(scimAppProjectTemplate({ name: '-x' })).toMatchObject({ ok: false });
    expect(scimAppProjectTemplate({ name: 'a'.repeat(65) })).toMatchObject({ ok: false });
    expect(scimAppProjectTemplate({ name: 'ok', features: ['scim', 'cards'] })).toEqual({
      ok: false,
      error: 'unknown feature "cards"; available: scim',
    });
    expect(scimAppProjectTemplate({ name: 'ok', features: [] })).toMatchObject({ ok: false });
  });
});

describe('SCIM app project validation', () => {
  it('accepts the seeds’ project and keeps what Roster needs', () => {
    expect(parseScimAppProject(seedFiles)).toEqual({
      ok: true,
      value: {
        app: {
          uid: 'scim-app',
          name: 'scim app',
          description: 'A private app for integrating an IdP with SCIM.',
        },
        scim: { uid: 'scim', roleSyncEnabled: false },
      },
    });
    const on = edit(SEED_SCIM, (j) => {
      j.config.roleSyncEnabled = true;
    });
    const result = parseScimAppProject({ ...seedFiles, 'scim/scim-hsmeta.json': on });
    expect(result.ok && result.value.scim.roleSyncEnabled).toBe(true);
  });

  it('reports every problem of both files at once, each with its file and JSON path', () => {
    const app = edit(SEED_APP, (j) => {
      j.uid = 'has space';
      j.type = 'application';
      j.config.name = '  ';
      j.config.distribution = 'marketplace';
      j.config.auth.type = 'oauth';
      j.config.auth.requiredScopes = [
        'crm.objects.users.read',
        'crm.objects.users.read',
        'tickets',
        7,
      ];
      j.config.auth.optionalScopes = ['crm.objects.contacts.read'];
      delete j.config.auth.conditionallyRequiredScopes;
      j.config.permittedUrls.fetch = 'https://x.test';
      j.config.extra = 1;
      delete j.config.description;
    });
    const scim = edit(SEED_SCIM, (j) => {
      j.type = 'SCIM';
      j.config.roleSyncEnabled = 'true';
      j.config.groups = true;
    });
    expect(problems({ 'app-hsmeta.json': app, 'scim/scim-hsmeta.json': scim })).toEqual([
      'app-hsmeta.json: $.uid: invalid uid "has space": use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      'app-hsmeta.json: $.type: expected "app", found a string ("application"); this file describes the app',
      'app-hsmeta.json: $.config.extra: unknown property; allowed here: description, name, distribution, auth, permittedUrls',
      'app-hsmeta.json: $.config.description: missing; expected a string',
      'app-hsmeta.json: $.config.name: must not be empty',
      'app-hsmeta.json: $.config.distribution: expected "private", found a string ("marketplace"); a SCIM app is installed in its own account only',
      'app-hsmeta.json: $.config.auth.type: expected "static", found a string ("oauth"); a SCIM app authenticates with a static access token',
      'app-hsmeta.json: $.config.auth.requiredScopes[3]: expected a string, found a number (7)',
      'app-hsmeta.json: $.config.auth.optionalScopes: must be an empty array; a SCIM app has no optional scopes',
      'app-hsmeta.json: $.config.auth.conditionallyRequiredScopes: missing; expected an array of strings',
      'app-hsmeta.json: $.config.permittedUrls.fetch: expected an array of strings, found a string ("https://x.test")',
      'scim/scim-hsmeta.json: $.type: expected "scim", found a string ("SCIM"); this file configures the SCIM component',
      'scim/scim-hsmeta.json: $.config.groups: unknown property; allowed here: roleSyncEnabled',
      'scim/scim-hsmeta.json: $.config.roleSyncEnabled: expected a boolean (true or false), found a string ("true")',
    ]);
  });

  it('checks the scopes: all four required, no others, no duplicates', () => {
    const app = edit(SEED_APP, (j) => {
      j.config.auth.requiredScopes = ['settings.users.read', 'tickets', 'settings.users.read'];
    });
    expect(problems({ ...seedFiles, 'app-hsmeta.json': app })).toEqual([
      'app-hsmeta.json: $.config.auth.requiredScopes: missing the scopes crm.objects.users.read, crm.objects.users.write, settings.users.write',
      'app-hsmeta.json: $.config.auth.requiredScopes[1]: unknown scope "tickets"; a SCIM app requires exactly crm.objects.users.read, crm.objects.users.write, settings.users.read, settings.users.write',
      'app-hsmeta.json: $.config.auth.requiredScopes[2]: duplicate scope "settings.users.read"',
    ]);
  });

  it('reports missing objects, wrong root types, and a SCIM uid equal to the app uid', () => {
    expect(
      problems({
        'app-hsmeta.json': '{"uid": "same", "type": "app"}',
        'scim/scim-hsmeta.json': '{"uid": "same", "type": "scim", "config": []}',
      }),
    ).toEqual([
      'app-hsmeta.json: $.config: missing; expected an object',
      `scim/scim-hsmeta.json: $.uid: must differ from the app's uid "same" (app-hsmeta.json)`,
      'scim/scim-hsmeta.json: $.config: expected an object, found an array',
    ]);
    expect(problems({ 'app-hsmeta.json': '[]', 'scim/scim-hsmeta.json': 'null' })).toEqual([
      'app-hsmeta.json: $: expected an object, found an array',
      'scim/scim-hsmeta.json: $: expected an object, found null',
    ]);
    expect(
      problems({ ...seedFiles, 'scim/scim-hsmeta.json': '{"uid":"s","type":"scim","config":{}}' }),
    ).toEqual(['scim/scim-hsmeta.json: $.config.roleSyncEnabled: missing; expected a boolean']);
  });

  it('names unusual keys in bracket notation', () => {
    const app = edit(SEED_APP, (j) => {
      j.config['my key'] = 1;
    });
    expect(problems({ ...seedFiles, 'app-hsmeta.json': app })).toEqual([
      'app-hsmeta.json: $.config["my key"]: unknown property; allowed here: description, name, distribution, auth, permittedUrls',
    ]);
  });

  it('locates malformed JSON by line and column, in both files at once', () => {
    const app = '{\n  "uid": "scim-app",\n  "type": "app",\n}\n';
    const scim = '{\n  "uid": "scim",\n  "type": \'scim\'\n}';
    expect(problems({ 'app-hsmeta.json': app, 'scim/scim-hsmeta.json': scim })).toEqual([
      "app-hsmeta.json:4:1: invalid JSON: expected another property (remove the trailing comma), found '}'",
      "scim/scim-hsmeta.json:3:11: invalid JSON: expected a value, found '''",
    ]);
  });

  it.each([
    ['', '1:1: invalid JSON: expected a value (the file is empty), found the end of the file'],
    ['{"uid": "x"', "1:12: invalid JSON: expected ',' or '}', found the end of the file"],
    [
      '{"uid": "a\nb"}',
      '1:11: invalid JSON: the control character U+000a must be escaped inside a string',
    ],
    ['{"n": 01}', "1:8: invalid JSON: expected ',' or '}', found '1'"],
    ['{"n": 1.}', "1:9: invalid JSON: expected a digit after the decimal point, found '}'"],
    ['{"s": "\\x"}', '1:9: invalid JSON: invalid escape \\x in a string'],
    ['{} {}', "1:4: invalid JSON: unexpected '{' after the end of the JSON value"],
    ['{"a": tru}', "1:10: invalid JSON: expected 'true', found '}'"],
    ['[1,]', "1:4: invalid JSON: expected another element (remove the trailing comma), found ']'"],
  ])('reports %j at the right place', (text, expected) => {
    expect(problems({ ...seedFiles, 'app-hsmeta.json': text })).toEqual([
      `app-hsmeta.json:${expected}`,
    ]);
  });

  it('accepts a byte order mark, and reports missing and oversized files', () => {
    expect(parseScimAppProject({ ...seedFiles, 'app-hsmeta.json': `\uFEFF${SEED_APP}` }).ok).toBe(
      true,
    );
    expect(problems({ 'scim/scim-hsmeta.json': SEED_SCIM })).toEqual([
      'app-hsmeta.json: file is missing (expected src/app/app-hsmeta.json)',
    ]);
    const huge = `{"uid": "scim", "type": "scim", "config": {"roleSyncEnabled": false}, "x": "${'a'.repeat(70_000)}"}`;
    expect(problems({ ...seedFiles, 'scim/scim-hsmeta.json': huge })).toEqual([
      'scim/scim-hsmeta.json: file is larger than 65536 bytes',
    ]);
  });
});
