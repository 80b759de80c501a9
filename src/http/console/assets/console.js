// The console's only script of its own (served from /assets, allowed by the CSP's script-src
// 'self'). Everything it does is an extra: every page works without it.

/** Copy buttons: hidden until this script runs, since without it they could do nothing. */
function enableCopyButtons(root) {
  for (const button of root.querySelectorAll('button[data-copy-target]')) {
    button.hidden = false;
  }
}

document.addEventListener('click', (event) => {
  const button =
    event.target instanceof Element ? event.target.closest('[data-copy-target]') : null;
  if (!button) return;
  const target = document.getElementById(button.getAttribute('data-copy-target') || '');
  if (!target) return;
  const text = 'value' in target ? target.value : target.textContent;
  const status = document.getElementById('copy-status');
  navigator.clipboard.writeText(text || '').then(
    () => {
      const label = button.textContent;
      button.textContent = 'Copied';
      if (status)
        status.textContent = `${button.getAttribute('data-copy-label') || 'Value'} copied to the clipboard`;
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    },
    () => {
      // No clipboard (an insecure origin, or denied): select the text for Ctrl+C instead.
      if (typeof target.select === 'function') target.select();
      if (status) status.textContent = 'Select the value and copy it with Ctrl+C or Cmd+C';
    },
  );
});

/** Forms that change something hard to undo ask first (without the script they just submit). */
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});

/** Times are written in UTC; shown in the reader's own time zone when the script runs. */
function localTimes(root) {
  for (const time of root.querySelectorAll('time[data-local]')) {
    const date = new Date(time.getAttribute('datetime') || '');
    if (!Number.isNaN(date.getTime())) {
      time.textContent = date.toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'medium',
      });
      time.title = `${time.getAttribute('datetime')} (UTC)`;
    }
  }
}

function enhance(root) {
  enableCopyButtons(root);
  localTimes(root);
}

document.addEventListener('DOMContentLoaded', () => enhance(document));
// Fragments htmx swaps in (live status, the log tail) get the same treatment.
document.addEventListener('htmx:afterSettle', (event) => {
  if (event.target instanceof Element) enhance(event.target);
});
