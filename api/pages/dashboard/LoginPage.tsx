// The staff sign-in page: an API key in, a session cookie out (api/dashboard.ts).
import { renderDocument } from '../document';

export function renderLoginPage(props: { error?: string }): string {
  return renderDocument({
    lang: 'en',
    title: 'casework — sign in',
    children: (
      <main class="login">
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        <h1>casework dashboard</h1>
        <p>Supervisors, managers and ops: sign in with your API key.</p>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/dashboard/login">
          <label for="apiKey">API key</label>
          <input id="apiKey" name="apiKey" type="password" autocomplete="current-password" required />
          <button type="submit">Sign in</button>
        </form>
      </main>
    ),
  });
}
