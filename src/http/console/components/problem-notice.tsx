import type { ApiProblem, FieldProblem } from '../../api/problem-response.ts';

/** What to do about a problem, by its code or else its status. */
export function advice(problem: ApiProblem): string {
  const byCode: Readonly<Record<string, string>> = {
    'auth.operator_only':
      'Ask the operator of this Roster to do it, or sign in with the operator key.',
    'scim_app.prerequisite_missing': 'Complete the prerequisites on the Setup page first.',
    'scim_app.not_found': 'Upload the project on the Setup page first.',
    'scim_app.not_installed': 'Install the app on the Setup page first.',
    'request.invalid': 'Correct the fields named above and send the form again.',
    'scim_app.invalid_project': 'Correct each file at the place named above and upload again.',
  };
  const known = byCode[problem.code];
  if (known) return known;
  if (problem.status === 404) {
    return 'It may have been removed meanwhile. Go back to the list and reload it.';
  }
  if (problem.status === 409)
    return 'Nothing was changed. Reload the page to see the current state.';
  if (problem.status === 412) return 'Someone changed it meanwhile. Reload the page and try again.';
  if (problem.status === 429) {
    const wait = problem.extra.headers?.['Retry-After'];
    return wait ? `Wait ${wait} seconds, then try again.` : 'Wait a moment, then try again.';
  }
  if (problem.status === 503)
    return 'Roster is busy or its database is unavailable: try again shortly.';
  if (problem.status >= 500) {
    return 'Nothing was changed. Try again; if it keeps failing, tell the operator of this Roster (its server log has the details).';
  }
  return 'Nothing was changed.';
}

function where(error: FieldProblem): string {
  if (error.file !== undefined) {
    const at =
      error.path !== undefined
        ? ` at ${error.path}`
        : error.line !== undefined
          ? ` at line ${error.line}, column ${error.column ?? 1}`
          : '';
    return `${error.file}${at}`;
  }
  return error.pointer.replace(/^\//, '').replaceAll('/', ' → ');
}

/** A problem in words with what to do, and each field or file it names. */
export function ProblemNotice({ problem, title }: { problem: ApiProblem; title?: string }) {
  const errors = problem.extra.errors ?? [];
  const listed = errors.filter((e) => e.pointer !== '' || e.file !== undefined);
  return (
    <div class="notice bad" role="alert">
      <p>
        <strong>{title ?? 'That did not work.'}</strong> {problem.detail}
      </p>
      {listed.length > 0 ? (
        <ul>
          {listed.map((error) => (
            <li>
              <code>{where(error)}</code>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p>{advice(problem)}</p>
    </div>
  );
}
