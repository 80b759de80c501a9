/**
 * Times as Roster stores them (ISO 8601, UTC), written in UTC so a page reads the same without
 * its script; console.js rewrites them in the reader's time zone.
 */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">never</span>;
  return (
    <time datetime={iso} data-local>
      {`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`}
    </time>
  );
}

/** "3 minutes ago", from the server's clock: what the page said when it was made. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 0) return `in ${describe(-seconds)}`;
  if (seconds < 5) return 'just now';
  return `${describe(seconds)} ago`;
}

function describe(seconds: number): string {
  const units: readonly [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return '0 seconds';
}
