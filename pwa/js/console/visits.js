// Counting visitors without tracking anyone: once a month this browser says "a visit" to the server and
// remembers the month in its own storage. The request carries no id and sets no cookie; the server keeps
// only the month's number.

const KEY = 'tuttu.visit-counted';

export function countVisit() {
  const month = new Date().toISOString().slice(0, 7);
  try {
    if (localStorage.getItem(KEY) === month) return;
    localStorage.setItem(KEY, month);
  } catch { return; }        // storage blocked: don't count (we couldn't avoid counting twice)
  fetch('/api/visits', { method: 'POST', credentials: 'omit', keepalive: true }).catch(() => {});
}
