/**
 * The breaker through real GraphQL: a plugin is paused for every caller of the tenant after
 * repeated failures of its own, so a caller's bad arguments must never count towards that pause.
 * The `picky` fixture refuses malformed input with the SDK's UserInputError, fails on purpose in
 * `acme_picky_fail`, and lets a host refusal escape in `acme_picky_stash`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gql, GqlResponse } from './testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

const GOOD_NUMBER = '1Z999AA10123456784';
const TRACK = `query($n: String!) { acme_picky_track(number: $n) }`;

/** The field is null with exactly one error on it, of `code`. */
function expectFieldError(res: GqlResponse, field: string, code: string, message: RegExp): void {
  expect(res.data).toEqual({ [field]: null });
  expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([{ path: [field], code }]);
  expect(res.errors![0]!.message).toMatch(message);
}

describe('the plugin breaker counts the caller\'s bad input apart from the plugin\'s own failures', () => {
  let t: PluginTestServer;
  let agent: Gql;
  let integrator: Gql;

  beforeAll(async () => {
    t = await startPluginTestServer('picky-co');
    agent = (await t.keyFor('agent')).gql;
    integrator = (await t.keyFor('integrator')).gql;
    expect((await t.publish('picky')).errors).toBeUndefined();
    const installed = await t.admin(`mutation { installPlugin(input: { pluginId: "acme.picky", grantScopes: ["storage"] }) { installation { id } } }`);
    expect(installed.errors).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const answersAgent = async () => expect(await agent(TRACK, { n: GOOD_NUMBER })).toEqual({ data: { acme_picky_track: `in transit: ${GOOD_NUMBER}` } });

  it('20 calls with bad arguments from an integrator key leave the plugin answering everyone', async () => {
    await answersAgent();
    for (let i = 0; i < 10; i++) {
      // Refused by the plugin: BAD_USER_INPUT on the field, with the plugin's message.
      expectFieldError(await integrator(TRACK, { n: `nope-${i}` }), 'acme_picky_track', 'BAD_USER_INPUT',
        new RegExp(`^acme\\.picky: "nope-${i}" is not a tracking number \\(1Z and 16 letters or digits\\)$`));
      // Refused before the plugin runs: a variable that does not coerce, or breaks the text rule.
      const refused = await integrator(TRACK, { n: i % 2 ? i : `1Z\u0000${i}` });
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    // A batched resolver refusing one parent's input: BAD_USER_INPUT on that field alone.
    expectFieldError(await integrator(`{ acme_picky_check(number: "nope") }`), 'acme_picky_check', 'BAD_USER_INPUT',
      /^acme\.picky: "nope" is not a tracking number$/);
    await answersAgent();
    expect(await t.admin(TRACK, { n: GOOD_NUMBER })).toEqual({ data: { acme_picky_track: `in transit: ${GOOD_NUMBER}` } });
    // The plugin ran for each of its own refusals, and they were recorded as failed calls.
    const usage = await t.admin(`{ pluginUsage(pluginId: "acme.picky") { calls failures } }`);
    expect(usage.data.pluginUsage).toEqual([{ calls: 14, failures: 10 }]);
  });

  it('5 failures of the plugin\'s own still pause it, bad input in between neither counting nor resetting', async () => {
    for (let i = 0; i < 3; i++) {
      expectFieldError(await integrator(`{ acme_picky_fail }`), 'acme_picky_fail', 'PLUGIN_FAILED', /^acme\.picky: the tracking backend is down$/);
      expectFieldError(await integrator(TRACK, { n: 'nope' }), 'acme_picky_track', 'BAD_USER_INPUT', /is not a tracking number/);
    }
    // A host refusal with code BAD_USER_INPUT that the plugin let escape is the plugin's failure.
    expectFieldError(await agent(`{ acme_picky_stash(bytes: 70000) }`), 'acme_picky_stash', 'PLUGIN_FAILED',
      /^acme\.picky: storage value is 70002 bytes of JSON; the limit is 65536$/);
    expectFieldError(await integrator(TRACK, { n: 'nope' }), 'acme_picky_track', 'BAD_USER_INPUT', /is not a tracking number/);
    expectFieldError(await integrator(`{ acme_picky_fail }`), 'acme_picky_fail', 'PLUGIN_FAILED', /^acme\.picky: the tracking backend is down$/);
    // Open after five: every caller now gets the pause, without the plugin running.
    expectFieldError(await agent(TRACK, { n: GOOD_NUMBER }), 'acme_picky_track', 'PLUGIN_FAILED', /^acme\.picky failed repeatedly and is paused for (29|30)s$/);
    expectFieldError(await t.admin(TRACK, { n: GOOD_NUMBER }), 'acme_picky_track', 'PLUGIN_FAILED', /is paused/);
  });
});
