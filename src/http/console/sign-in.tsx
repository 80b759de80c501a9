/**
 * Signing in: an admin key (the operator's, or an account admin key) is exchanged for a session
 * (console-router.tsx). The key goes in a password field and is never stored in the browser.
 */
import type { ApiProblem } from '../api/problem-response.ts';
import { Notice } from './components/notice.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import type { ConsoleDeps } from './console-env.ts';
import { Document } from './layout.tsx';

export function SignInPage({
  deps,
  token,
  next,
  problem,
  signedOut,
}: {
  deps: ConsoleDeps;
  token: string;
  next: string;
  problem?: ApiProblem | undefined;
  signedOut: boolean;
}) {
  return (
    <Document deps={deps} title="Sign in">
      <main class="container" id="main">
        <article class="sign-in">
          <header>
            <h1>Sign in to Roster</h1>
            <p class="muted">
              The console for setting up SCIM provisioning and watching your identity provider.
            </p>
          </header>
          {signedOut ? (
            <Notice tone="ok">
              <p>You are signed out.</p>
            </Notice>
          ) : null}
          {problem ? <ProblemNotice problem={problem} title="You are not signed in." /> : null}
          <form method="post" action="/sign-in">
            <input type="hidden" name="_signin" value={token} />
            <input type="hidden" name="next" value={next} />
            <label for="key">Admin key</label>
            <input
              id="key"
              name="key"
              type="password"
              required
              autocomplete="off"
              spellcheck={false}
              aria-describedby="key-help"
            />
            <small id="key-help">
              An account admin key (<code>roster_admin_…</code>) opens that account. The operator
              key (<code>roster_operator_…</code>, printed once when Roster first started, or{' '}
              <code>ROSTER_ADMIN_KEY</code>) opens every account. The key is exchanged for a
              session; it is not kept in this browser.
            </small>
            <button type="submit">Sign in</button>
          </form>
          <footer class="small muted">
            No key yet? The operator creates one for your account with{' '}
            <code>roster admin-keys create --account ID</code>. A SCIM access token is for your
            identity provider, not for signing in.
          </footer>
        </article>
      </main>
    </Document>
  );
}
