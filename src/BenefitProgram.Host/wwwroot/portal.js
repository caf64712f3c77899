// The portals work without JavaScript; this only adds conveniences: copy-to-clipboard buttons.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.getAttribute('data-copy'));
  const status = button.parentElement.querySelector('.portal-copy-status');
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand('copy');
  }
  if (status) status.textContent = button.getAttribute('data-copied-text') || 'Copied';
});

// Long uploads (partner portal): a form with data-progress shows its progress panel while the browser sends the file and
// the server checks it (the page answers only when the work is done), with the seconds that have passed, and blocks a
// second submit. Without JavaScript the form still posts; only the panel stays hidden.
document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-progress]');
  if (!form) return;
  const panel = form.querySelector('[data-progress-panel]');
  const button = form.querySelector('button[type="submit"]');
  if (form.dataset.busy === 'true') { event.preventDefault(); return; }
  form.dataset.busy = 'true';
  form.setAttribute('aria-busy', 'true');
  if (button) button.setAttribute('aria-disabled', 'true');
  if (!panel) return;
  panel.hidden = false;
  const seconds = panel.querySelector('[data-progress-seconds]');
  const started = Date.now();
  setInterval(() => { if (seconds) seconds.textContent = String(Math.round((Date.now() - started) / 1000)); }, 1000);
});

// "Print" buttons (printable statement).
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-print]')) window.print();
});
