import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTenants, type Tenants } from '../../plugins/host/test-fixtures.js';
import { listMail, queueMail } from './outbox.js';
import { MailSender } from './smtp-sender.js';

/**
 * A real, minimal SMTP server on loopback (RFC 5321 happy path: EHLO, MAIL, RCPT, DATA, QUIT).
 * It refuses recipients at `refused.example` so the failure path is real too.
 */
function tinySmtpServer(): { server: Server; received: { from: string; to: string[]; data: string }[] } {
  const received: { from: string; to: string[]; data: string }[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 tiny ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 queued');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 tiny');
        else if (verb === 'MAIL') { current.from = line; reply('250 ok'); }
        else if (verb === 'RCPT') {
          if (line.includes('@refused.example')) reply('550 no such user');
          else { current.to.push(line); reply('250 ok'); }
        } else if (verb === 'DATA') { inData = true; reply('354 go ahead'); }
        else if (verb === 'RSET') { current = { from: '', to: [], data: '' }; reply('250 ok'); }
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); }
        else reply('502 not implemented');
      }
    });
  });
  return { server, received };
}

let t: Tenants;
let smtp: ReturnType<typeof tinySmtpServer>;
let port: number;
beforeAll(async () => {
  t = await openTenants();
  smtp = tinySmtpServer();
  await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => smtp.server.close(resolve));
  await t.close();
});

describe('mail sender', () => {
  it('without an SMTP URL leaves mail in the outbox', async () => {
    await t.a.data.write((tx) => queueMail(tx, { to: 'kept@example.com', subject: 'Kept', text: 'stays here' }));
    const sender = new MailSender({ smtpUrl: null, from: 'Mosaic <no-reply@localhost>' });
    expect(sender.enabled).toBe(false);
    expect(await sender.deliverPending(t.a.data)).toEqual({ sent: 0, failed: 0 });
    expect((await listMail(t.a.data))[0]).toMatchObject({ to: 'kept@example.com', sentAt: null, failedAt: null });
  });

  it('sends pending mail to a real SMTP server on loopback and marks refusals failed', async () => {
    await t.b.data.write(async (tx) => {
      await queueMail(tx, { to: 'ana@example.com', subject: 'Reset your password', text: 'Open https://x.example/reset?token=abc' });
      await queueMail(tx, { to: 'ghost@refused.example', subject: 'Nobody', text: 'bounces' });
    });
    const sender = new MailSender({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Acme <help@acme.example>' });
    expect(await sender.deliverPending(t.b.data)).toEqual({ sent: 1, failed: 1 });
    sender.close();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.from).toContain('help@acme.example');
    expect(smtp.received[0]!.to[0]).toContain('ana@example.com');
    expect(smtp.received[0]!.data).toContain('Subject: Reset your password');
    expect(smtp.received[0]!.data).toContain('https://x.example/reset?token=abc');
    const byTo = Object.fromEntries((await listMail(t.b.data)).map((m) => [m.to, m]));
    expect(byTo['ana@example.com']!.sentAt).toBeInstanceOf(Date);
    expect(byTo['ghost@refused.example']!.failedAt).toBeInstanceOf(Date);
    expect(byTo['ghost@refused.example']!.lastError).toMatch(/550/);
    // Nothing is pending any more: a second run sends nothing again.
    expect(await new MailSender({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'a@b.example' }).deliverPending(t.b.data)).toEqual({ sent: 0, failed: 0 });
  });

  it('refuses header injection in subjects and bad recipients before writing', async () => {
    await expect(t.a.data.write((tx) => queueMail(tx, { to: 'a@example.com', subject: 'Hi\r\nBcc: x@evil.example', text: 'x' }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(t.a.data.write((tx) => queueMail(tx, { to: 'not-an-address', subject: 'Hi', text: 'x' }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
