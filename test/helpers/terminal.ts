/**
 * A real terminal for tests of prompts: a tmux pane (so @clack/prompts sees a TTY) running one
 * command, with keystrokes in and the visible screen out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from './server-process.ts';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** One terminal running one command; keystrokes in, the visible screen out. */
export function terminal(command: string) {
  const socket = `roster-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  // The pane stays open after the command ends, so its last screen and exit code can be read.
  tmux(
    'new-session',
    '-d',
    '-x',
    '120',
    '-y',
    '50',
    '-c',
    ROOT,
    `${command}; echo "exit=$?"; sleep 60`,
  );
  const screen = () => tmux('capture-pane', '-p');
  return {
    screen,
    async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
      const started = Date.now();
      for (;;) {
        const shown = screen();
        if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
        if (Date.now() - started > timeoutMs) {
          throw new Error(`the terminal never showed ${String(text)}:\n${shown}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    type: (text: string) => tmux('send-keys', '-l', text),
    press: (...keys: string[]) => tmux('send-keys', ...keys),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
    },
  };
}
