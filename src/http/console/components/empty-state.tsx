import type { Child } from 'hono/jsx';

/** What a list shows when it has nothing yet: why, and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: Child }) {
  return (
    <article class="empty-state">
      <h3>{title}</h3>
      {children}
    </article>
  );
}
