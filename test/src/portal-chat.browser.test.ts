/**
 * A live chat in a real browser, both sides at once: a customer signs up on the portal and opens
 * a chat; an agent, in a second browser context, sees the customer's next message arrive without
 * reloading and answers it; the customer sees the answer arrive without reloading. Both pages run
 * under the strict CSP with no violation, load nothing from elsewhere, have no serious axe-core
 * finding and no sideways scrolling at 1280 and 360 px. Screenshots are left in
 * test/artifacts/chat-<side>-<width>.png. A forum moderator's hide and lock controls are used in
 * the same browser (chat-moderation-<width>.png), and a customer sees neither them nor the hidden post.
 */
import { createStaffUser, liveEvents } from '@mosaic/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';

warnIfNoBrowser('Portal chat browser test');

describe.skipIf(!runBrowserTests)('portal live chat in Chromium, offline', () => {
  let tp: TestPlatform;
  let shop: Client & { tenantId: string };
  let browser: Browser;

  beforeAll(async () => {
    tp = await startTestPlatform();
    shop = await tp.tenant('chat-shop');
    const channel = await shop.gql(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } } }`, { i: { kind: 'CHAT', name: 'Web chat' } });
    expect(channel.errors).toBeUndefined();
    const data = await tp.platform.tenants.get(shop.tenantId);
    await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** Every page's checks and its screenshot (browser-kit). */
  const checkPage = async (page: Page, name: string, width: number) => {
    await page.setViewportSize({ width, height: 900 });
    await checkPageOf(page, `chat-${name}-${width}`, width);
  };

  it('a customer chats from the portal and the agent answers, each seeing the other live', async () => {
    const customerSide = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const agentSide = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const customer = await watchedPage(customerSide.context);
    const agent = await watchedPage(agentSide.context);
    const served: string[] = [];
    for (const { page } of [customer, agent]) page.on('response', (res) => served.push(`${res.status()} ${new URL(res.url()).pathname}`));
    const portal = `${tp.server.url}/t/chat-shop/portal`;
    const console = `${tp.server.url}/t/chat-shop/console`;
    try {
      // The customer signs up, finds the chat on the portal's home page and opens one.
      const c = customer.page;
      await c.goto(`${portal}/sign-up`);
      await c.getByLabel('Your name').fill('Chloé Martin');
      await c.getByLabel('Email address').fill('chloe@example.com');
      await c.getByLabel('Password').fill('a long enough password');
      await c.getByRole('button', { name: 'Create account' }).click();
      await c.waitForURL(portal);
      await c.getByRole('link', { name: 'Chat with support' }).click();
      await c.waitForURL(`${portal}/chat`);
      await checkPage(c, 'portal-start', 1280);
      await c.getByLabel('Your message').fill('Hello, my lamp flickers.');
      await c.getByRole('button', { name: 'Start chat' }).click();
      await c.waitForURL(/\/portal\/chat\/[^/]+$/);
      const chatUrl = c.url();
      const caseId = new URL(chatUrl).pathname.split('/').at(-1)!;
      await expect.poll(() => c.locator('#chat-log').innerText()).toContain('Hello, my lamp flickers.');

      // The agent signs in, finds the chat among the open ones and opens it.
      const a = agent.page;
      await a.goto(`${console}/sign-in`);
      await a.getByLabel('Email').fill('abe@example.com');
      await a.getByLabel('Password').fill('agent password 1');
      await a.getByRole('button', { name: 'Sign in' }).click();
      await a.waitForURL(`${console}`);
      await a.getByRole('link', { name: 'Live chats' }).click();
      await a.waitForURL(`${console}/chats`);
      await a.getByRole('link', { name: /Hello, my lamp flickers\./ }).click();
      await a.waitForURL(`${console}/chats/${caseId}`);
      expect(await a.locator('#chat-log').innerText()).toContain('Hello, my lamp flickers.');
      // Both pages' chat streams are open before either writes.
      await expect.poll(() => served.filter((r) => r.endsWith(`/chat/${caseId}/live`) || r.endsWith(`/chats/${caseId}/live`)).length).toBe(2);

      // The customer writes again: the agent's page shows it without a reload.
      await c.getByLabel('Message').fill('It started yesterday.');
      await c.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => a.locator('#chat-log').innerText(), { timeout: 8_000 }).toContain('It started yesterday.');
      // The customer's own message comes back once, and the box is empty for the next one.
      await expect.poll(() => c.locator('#chat-log li').count(), { timeout: 8_000 }).toBe(2);
      // The live stream may draw the message before the post's answer empties the box: wait for both.
      await expect.poll(() => c.getByLabel('Message').inputValue(), { timeout: 8_000 }).toBe('');

      // The agent answers: the customer's page shows it without a reload.
      await a.getByLabel('Answer').fill('Please try another bulb; a new lamp ships today if not.');
      await a.getByRole('button', { name: 'Send answer' }).click();
      await expect.poll(() => c.locator('#chat-log').innerText(), { timeout: 8_000 }).toContain('Please try another bulb');
      await expect.poll(() => a.locator('#chat-log li').count(), { timeout: 8_000 }).toBe(3);
      expect(await c.locator('#chat-log li').count()).toBe(3);
      for (const page of [c, a]) expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);

      // An empty answer is refused beside the field, in place.
      await a.getByRole('button', { name: 'Send answer' }).click();
      await expect.poll(() => a.getByLabel('Answer').getAttribute('aria-invalid')).toBe('true');
      expect(await a.locator('#f-text-error').innerText()).toBe('Write a message.');

      for (const width of [1280, 360]) {
        await checkPage(c, 'portal', width);
        await checkPage(a, 'console', width);
      }
      expect(new URL(c.url()).pathname).toBe(new URL(chatUrl).pathname);
    } finally {
      await customerSide.context.close();
      await agentSide.context.close();
    }
    await expect.poll(() => liveEvents.listenerCount(shop.tenantId)).toBe(0);
    expect([...customerSide.elsewhere, ...agentSide.elsewhere]).toEqual([]);
    expect(served.filter((s) => !/^(200|204|303) /.test(s))).toEqual([]);
    expect([...customer.problems, ...agent.problems]).toEqual([]);
  }, 120_000);

  it('a moderator sees the forum\'s moderation controls, hides a post and locks the thread; a customer sees neither control', async () => {
    const portal = `${tp.server.url}/t/chat-shop/portal`;
    const moderatorSide = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const memberSide = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const moderator = await watchedPage(moderatorSide.context);
    const member = await watchedPage(memberSide.context);
    try {
      const signUp = async (page: Page, name: string, email: string) => {
        await page.goto(`${portal}/sign-up`);
        await page.getByLabel('Your name').fill(name);
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password').fill('a long enough password');
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.waitForURL(portal);
      };
      await signUp(moderator.page, 'Mona Moderator', 'mona@example.com');
      await signUp(member.page, 'Milo Member', 'milo@example.com');
      const found = await shop.gql(`{ customers(first: 50) { edges { node { id name } } } }`);
      expect(found.errors).toBeUndefined();
      const mona = (found.data!.customers.edges as { node: { id: string; name: string } }[]).find((e) => e.node.name === 'Mona Moderator')!.node.id;
      const flagged = await shop.gql(`mutation($i: SetCommunityModeratorInput!) { setCommunityModerator(input: $i) { customer { id } } }`, { i: { customerId: mona, moderator: true } });
      expect(flagged.errors).toBeUndefined();

      // The member starts a thread and a rude reply follows.
      const m = member.page;
      await m.goto(`${portal}/community/new`);
      await m.getByLabel('Title').fill('Which bulb fits the desk lamp?');
      await m.getByLabel('Your message').fill('Mine is an E14.');
      await m.getByRole('button', { name: 'Post thread' }).click();
      await m.waitForURL(/\/community\/[^/]+$/);
      const threadUrl = m.url();
      await m.getByLabel('Reply').fill('Rude words here');
      await m.getByRole('button', { name: 'Post reply' }).click();
      await expect.poll(() => m.locator('.portal-post').count()).toBe(2);
      expect(await m.getByRole('button', { name: /Hide|Lock thread/ }).count()).toBe(0);

      // The moderator hides the reply and locks the thread, without script or with it alike.
      const p = moderator.page;
      await p.goto(threadUrl);
      await p.getByRole('button', { name: /^Hide post from/ }).last().click();
      await expect.poll(() => p.locator('.portal-post--hidden').count()).toBe(1);
      await p.getByRole('button', { name: 'Lock thread' }).click();
      await expect.poll(() => p.getByRole('button', { name: 'Unlock thread' }).count()).toBe(1);
      expect(await p.locator('.portal-post--hidden').innerText()).toContain('Hidden from everyone but moderators');
      for (const width of [1280, 360]) await checkPage(p, 'moderation', width);

      // The member no longer sees the reply, nor a reply box, and still no control.
      await m.reload();
      expect(await m.locator('main').innerText()).toContain('This thread is locked');
      expect(await m.locator('main').innerText()).not.toContain('Rude words here');
      expect(await m.getByLabel('Reply').count()).toBe(0);
      expect(await m.getByRole('button', { name: /Hide|Lock|Unlock/ }).count()).toBe(0);
      await checkPage(m, 'moderation-member', 360);
    } finally {
      await moderatorSide.context.close();
      await memberSide.context.close();
    }
    expect([...moderatorSide.elsewhere, ...memberSide.elsewhere]).toEqual([]);
    expect([...moderator.problems, ...member.problems]).toEqual([]);
  }, 120_000);
});
