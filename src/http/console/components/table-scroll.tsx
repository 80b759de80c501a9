import type { Child } from 'hono/jsx';

/**
 * A table that may be wider than a phone: it scrolls sideways inside this region, which a
 * keyboard can focus and scroll too (WCAG 2.1.1; axe's scrollable-region-focusable): a named
 * section, so screen readers announce what the region holds.
 */
export function TableScroll({ label, children }: { label: string; children: Child }) {
  return (
    <section class="overflow-auto" aria-label={label} tabindex={0}>
      {children}
    </section>
  );
}
