/**
 * A value to paste elsewhere (a TXT record, a tenant URL, a token): a read-only field anyone can
 * select, and a copy button that console.js reveals (it cannot work without the script).
 */
export function CopyField({
  id,
  label,
  value,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  hint?: string;
}) {
  return (
    <div class="field-with-copy">
      <label for={id}>{label}</label>
      <div class="copy-field">
        <input
          id={id}
          type="text"
          readonly
          value={value}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <button
          type="button"
          class="secondary"
          hidden
          data-copy-target={id}
          data-copy-label={label}
        >
          Copy
        </button>
      </div>
      {hint ? (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      ) : null}
    </div>
  );
}
