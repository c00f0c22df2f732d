import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyDecoyPassword, verifyPassword } from './password-hash.js';

describe('password hashing', () => {
  it('stores a versioned, parameterised string that verifies only the same password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$1\$N=32768,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(stored); // fresh salt each time
  });

  it('verifies hashes made with older parameters and says they need upgrading', async () => {
    const cheap = await hashPassword('old password 123', { N: 1024, r: 8, p: 1 });
    expect(cheap).toContain('$N=1024,r=8,p=1$');
    expect(await verifyPassword('old password 123', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(12)), DEFAULT_SCRYPT_PARAMS)).toBe(false);
  });

  it('refuses malformed or outrageous stored strings without deriving', async () => {
    const good = await hashPassword('abcdefghijk', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('abcdefghijk', good.replace('N=1024', 'N=1048577'))).toBe(false);
    expect(await verifyPassword('abcdefghijk', good.replace('scrypt$1$', 'scrypt$2$'))).toBe(false);
    expect(await verifyPassword('abcdefghijk', 'plain')).toBe(false);
  });

  it('the decoy check costs about as much as a real one', async () => {
    const stored = await hashPassword('some password');
    await verifyDecoyPassword('warm-up');
    const time = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };
    const real = await time(() => verifyPassword('wrong password', stored));
    const fake = await time(() => verifyDecoyPassword('wrong password'));
    expect(fake).toBeGreaterThan(real * 0.4);
    expect(fake).toBeLessThan(real * 2.5);
  });
});
