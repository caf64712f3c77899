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
