import type { IResolvers } from '@graphql-tools/utils';
import {
  createChannel, createChannelInput, disableChannel, ingestInteractions, listChannels, replyOnChannel, replyOnChannelInput,
  rotateChannelSecret, type ChannelView,
} from '../../domain/intake/index.js';
import { AppError } from '../../lib/errors.js';
import { toGlobalId } from '../../lib/ids.js';
import { assertAdmin, assertCanWrite } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { decodeIdArgument, decodeInput } from '../mutation-input.js';

type Input = { input: Record<string, unknown> };

function vaultOf(ctx: GraphQLContext) {
  const vault = ctx.plugins?.installer.vault;
  if (!vault) throw new AppError('INTERNAL_SERVER_ERROR', 'channel secrets need the secrets vault, which this server has not opened');
  return vault;
}

export const intakeResolvers: IResolvers<unknown, GraphQLContext> = {
  IntakeChannel: {
    id: (c: ChannelView) => toGlobalId('IntakeChannel', c.id),
    defaultQueue: (c: ChannelView, _: unknown, ctx) => (c.defaultQueueId ? ctx.loaders.queue.load(c.defaultQueueId) : null),
    enabled: (c: ChannelView) => c.disabledAt === null,
  },
  Query: {
    channels: (_: unknown, __: unknown, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      return listChannels(ctx.tenant);
    },
  },
  Mutation: {
    createChannel: (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      return createChannel(ctx.tenant, vaultOf(ctx), decodeInput('input', input, { defaultQueueId: 'Queue' }, createChannelInput));
    },
    rotateChannelSecret: (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      return rotateChannelSecret(ctx.tenant, vaultOf(ctx), decodeIdArgument('id', id, 'IntakeChannel'));
    },
    disableChannel: async (_: unknown, { id }: { id: string }, ctx: GraphQLContext) => {
      assertAdmin(ctx.tenant);
      return { channel: await disableChannel(ctx.tenant, decodeIdArgument('id', id, 'IntakeChannel')) };
    },
    replyOnChannel: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      const decoded = decodeInput('input', input, { caseId: 'Case', channelId: 'IntakeChannel', agentId: 'Agent' }, replyOnChannelInput);
      return { interaction: await replyOnChannel(ctx.tenant, decoded) };
    },
    ingestInteractions: async (_: unknown, { channelId, rows }: { channelId: string; rows: unknown[] }, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      return ingestInteractions(ctx.tenant, decodeIdArgument('channelId', channelId, 'IntakeChannel'), rows);
    },
  },
};
