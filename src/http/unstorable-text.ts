/**
 * The text both request surfaces refuse up front with their own 400, so no store ever sees it
 * (the rule itself: `scim/unstorable-text.ts`), and how the provisioning log writes it.
 */
import { UNPAIRED_SURROGATE } from '../scim/unstorable-text.ts';

export { unstorableText } from '../scim/unstorable-text.ts';

const UNSTORABLE = new RegExp(`\u0000|${UNPAIRED_SURROGATE.source}`, 'g');

/**
 * `text` with what cannot be stored written as visible escapes (`\u0000`, `\ud800`): for the
 * provisioning log, which records refused requests as they came, including their ids.
 */
export function escapeUnstorable(text: string): string {
  return text.replace(
    UNSTORABLE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
