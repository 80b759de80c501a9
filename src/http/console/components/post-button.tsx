import { CsrfField } from './csrf-field.tsx';

/**
 * One action as a form with one button: works without script; with it, `confirm` asks first
 * (console.js). `fields` travel as hidden inputs.
 */
export function PostButton({
  action,
  csrf,
  label,
  confirm,
  fields = {},
  variant,
}: {
  action: string;
  csrf: string;
  label: string;
  confirm?: string;
  fields?: Readonly<Record<string, string>>;
  variant?: 'secondary' | 'contrast' | 'outline';
}) {
  return (
    <form method="post" action={action} class="inline-form" data-confirm={confirm}>
      <CsrfField token={csrf} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={variant === 'outline' ? 'outline' : variant}>
        {label}
      </button>
    </form>
  );
}
