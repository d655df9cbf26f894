/**
 * Logging in through the web UI in a real browser, with auth on: the login page, the forced
 * password change of the first admin, user management, an API key created in the UI and used
 * over REST until it is revoked in the UI, and logging out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  ADMIN_SECRET,
  INITIAL_ADMIN_PASSWORD,
  bearer,
  call,
  spawnAuthHeron,
} from './support/auth-server.js';
import { browserTestSkip, launchBrowser, openPage, saveScreenshot } from './support/browser.js';

const skip = browserTestSkip();

describe('the web UI with auth on', { skip }, () => {
  let heron: HeronProcess;
  let browser: Browser;

  before(async () => {
    heron = await spawnAuthHeron();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await heron?.stop();
  });

  test('log in, change the initial password, manage users and keys, log out', async () => {
    const { page, pageErrors } = await openPage(browser);
    try {
      await page.goto(`${heron.baseUrl}/projects`);
      // Not signed in: the login form, not the app.
      const loginForm = page.getByRole('form', { name: 'Log in' });
      await loginForm.waitFor();
      await saveScreenshot(page, 'login');
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();

      await page.getByLabel('Password').fill(INITIAL_ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      // The initial password must be replaced before anything else.
      await page.getByRole('form', { name: 'Change password' }).waitFor();
      await page.getByLabel('Current password').fill(INITIAL_ADMIN_PASSWORD);
      await page.getByLabel('New password (at least 8 characters)').fill('admin chose this');
      await page.getByLabel('New password again').fill('admin chose this');
      await page.getByRole('button', { name: 'Save password' }).click();
      const menu = page.getByTestId('account-menu');
      await menu.waitFor();
      assert.match(await menu.innerText(), /admin · admin/);

      // Users: create a viewer, promote them to member.
      await menu.getByRole('link', { name: 'Users' }).click();
      await page.getByLabel('Username').fill('uma');
      await page.getByLabel('Initial password').fill('uma initial pw');
      await page.locator('select[name="new-user-role"]').selectOption('viewer');
      await page.getByRole('button', { name: 'Create user' }).click();
      const uma = page.locator('[data-testid="user-row"][data-username="uma"]');
      await uma.waitFor();
      await uma.getByLabel('Role of uma').selectOption('member');
      // The role change reached the server.
      for (let i = 0; ; i++) {
        const users = await call(heron.baseUrl, 'GET', '/v1/users', bearer(ADMIN_SECRET));
        const data = users.json!['data'] as { username: string; role: string }[];
        if (data.find((u) => u.username === 'uma')?.role === 'member') break;
        assert.ok(i < 50, 'the role change did not reach the server');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await saveScreenshot(page, 'users');

      // API keys: the new key is shown once and works over REST until revoked.
      await menu.getByRole('link', { name: 'API keys' }).click();
      await page.getByLabel('Name').fill('notebook');
      await page.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-api-key').locator('.mono');
      await shown.waitFor();
      const key = (await shown.innerText()).trim();
      assert.match(key, /^heron_/);
      assert.equal((await call(heron.baseUrl, 'GET', '/v1/projects', bearer(key))).status, 200);
      const row = page.locator('[data-testid="api-key-row"][data-name="notebook"]');
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('revoked').waitFor();
      assert.equal((await call(heron.baseUrl, 'GET', '/v1/projects', bearer(key))).status, 401);

      await menu.getByRole('button', { name: 'Log out' }).click();
      await loginForm.waitFor();
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.context().close();
    }
  });
});
