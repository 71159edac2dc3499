// Log in with user name and password; when the server answers totp_required the code field
// appears and the same form is sent again with it.
import { h } from '../dom.js';
import { api, session, ApiError } from '../api.js';

function safeNext(next) {
  // Only a hash route of this page: never an arbitrary URL from the query string.
  return next && /^#\/[A-Za-z0-9/._~%?&=:-]*$/.test(next) && !next.startsWith('#/login') ? next : '#/overview';
}

export function render(main, ctx) {
  const next = safeNext(ctx.params.get('next'));
  const message = h('div', { class: 'form-message', role: 'alert', 'aria-live': 'assertive', testid: 'login-error' });
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, testid: 'login-username', autofocus: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'login-password' });
  const totp = h('input', {
    id: 'login-totp', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9]{6,8}', maxlength: 8, testid: 'login-totp', 'aria-describedby': 'login-totp-help',
  });
  const totpRow = h('div', { class: 'field', hidden: true, testid: 'login-totp-row' },
    h('label', { for: 'login-totp' }, 'Authenticator code'), totp,
    h('p', { id: 'login-totp-help', class: 'help' }, 'This account has two-factor login: enter the 6-digit code from your authenticator app.'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'login-submit' }, 'Log in');

  if (session.token()) session.clear();
  if (ctx.params.get('expired')) {
    message.className = 'form-message info';
    message.textContent = 'Your session ended; log in again.';
  }

  const form = h('form', { class: 'login-form', testid: 'login-form', novalidate: true },
    h('h1', null, 'Log in to gitns'),
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, 'User name'), username),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
    totpRow, message, submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    message.className = 'form-message';
    message.textContent = '';
    if (!username.value || !password.value) {
      message.className = 'form-message bad';
      message.textContent = 'Enter your user name and password.';
      return;
    }
    const body = { username: username.value.trim(), password: password.value };
    if (!totpRow.hidden && totp.value.trim()) body.totp = totp.value.trim();
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      const r = await api('POST', '/login', { body, auth: false });
      session.set(r.token, { name: r.user.name, role: r.user.role, expiresAt: r.expiresAt });
      ctx.navigate(next);
    } catch (e) {
      message.className = 'form-message bad';
      if (e instanceof ApiError && e.code === 'totp_required') {
        // The first time the field appears with its help text; asked again, the code was empty.
        const first = totpRow.hidden;
        totpRow.hidden = false;
        message.textContent = first ? '' : 'Enter the code from your authenticator app.';
        totp.focus();
      } else if (e instanceof ApiError && e.code === 'invalid_credentials') {
        message.textContent = totpRow.hidden ? 'Wrong user name or password.' : 'Wrong user name, password or code.';
        password.select();
      } else {
        message.textContent = e.message;
      }
    } finally {
      submit.disabled = false;
      submit.textContent = 'Log in';
    }
  });

  main.append(h('section', { class: 'login-wrap' }, form));
  username.focus();
}
