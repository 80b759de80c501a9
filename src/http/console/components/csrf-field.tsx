/** The session's CSRF token, in every form that changes something (console-security.ts). */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}
