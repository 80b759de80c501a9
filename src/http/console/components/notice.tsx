import type { Child } from 'hono/jsx';
import type { Tone } from './badge.tsx';

export function Notice({ tone, children }: { tone?: Tone; children: Child }) {
  return (
    <div class={`notice ${tone ?? ''}`} role={tone === 'bad' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
