// Chat information, membership and forum topics.
import { badRequest, requiredParam } from './api-error.js';
import type { MethodContext, MethodHandler } from './method-context.js';
import { optInt, optString, reqInt, reqString } from './params.js';
import { type GroupRecord, memberObject } from './state.js';
import { randomToken } from './util.js';
import type { MemberStatus } from './wire.js';

const TOPIC_COLORS = [0x6fb9f0, 0xffd67e, 0xcb86db, 0x8eee98, 0xff93b2, 0xfb6f5f];

function requireGroup(ctx: MethodContext, purpose: 'send' | 'read'): GroupRecord {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, purpose);
  if (!conversation.group) throw badRequest('method is available for supergroup and channel chats only');
  return conversation.group;
}

function requireAdmin(ctx: MethodContext, group: GroupRecord, what: string): void {
  const status = group.members.get(ctx.bot.id);
  if (status !== 'administrator' && status !== 'creator') throw badRequest(`not enough rights to ${what}`);
}

const getChat: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'read');
  return {
    ...conversation.chat,
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  };
};

const getChatMember: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'read');
  const userId = reqInt(ctx.params, 'user_id');
  const user = ctx.world.userInfo(userId);
  const group = conversation.group;
  if (!group) {
    const inChat = userId === conversation.chat.id || userId === ctx.bot.id;
    return memberObject(user, inChat ? 'member' : 'left');
  }
  if (group.type === 'channel') {
    const status = group.members.get(ctx.bot.id);
    // In channels only administrators can see the member list.
    if (status !== 'administrator' && status !== 'creator' && userId !== ctx.bot.id) {
      throw badRequest('member list is inaccessible');
    }
  }
  return memberObject(user, ctx.world.memberStatus(group, userId));
};

const getChatAdministrators: MethodHandler = (ctx) => {
  const group = requireGroup(ctx, 'read');
  const admins: Record<string, unknown>[] = [];
  for (const [id, status] of group.members) {
    if (status === 'creator' || status === 'administrator')
      admins.push(memberObject(ctx.world.userInfo(id), status));
  }
  return admins;
};

const getChatMemberCount: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'read');
  if (!conversation.group) return 2;
  let count = 0;
  for (const status of conversation.group.members.values()) {
    if (status !== 'left' && status !== 'kicked') count++;
  }
  return count;
};

const changeMember =
  (to: MemberStatus, what: string): MethodHandler =>
  (ctx) => {
    const group = requireGroup(ctx, 'read');
    requireAdmin(ctx, group, what);
    const userId = reqInt(ctx.params, 'user_id');
    const current = ctx.world.memberStatus(group, userId);
    if (current === 'creator') throw badRequest("can't remove chat owner");
    // unbanChatMember leaves members who are not banned alone, as Telegram does with only_if_banned.
    if (to === 'left' && current !== 'kicked') return true;
    ctx.world.setMember(group, userId, to, ctx.bot.user);
    return true;
  };

const leaveChat: MethodHandler = (ctx) => {
  const group = requireGroup(ctx, 'read');
  ctx.world.setMember(group, ctx.bot.id, 'left', ctx.bot.user);
  return true;
};

const createChatInviteLink: MethodHandler = (ctx) => {
  const group = requireGroup(ctx, 'read');
  requireAdmin(ctx, group, 'invite users');
  const link: Record<string, unknown> = {
    invite_link: `https://t.me/+${randomToken(16)}`,
    creator: ctx.bot.user,
    creates_join_request: false,
    is_primary: false,
    is_revoked: false,
  };
  const name = optString(ctx.params, 'name');
  if (name !== undefined) link.name = name;
  const expireDate = optInt(ctx.params, 'expire_date');
  if (expireDate !== undefined) link.expire_date = expireDate;
  const memberLimit = optInt(ctx.params, 'member_limit');
  if (memberLimit !== undefined) link.member_limit = memberLimit;
  return link;
};

function forum(ctx: MethodContext): GroupRecord {
  const group = requireGroup(ctx, 'send');
  if (!group.isForum) throw badRequest('the chat is not a forum');
  return group;
}

const createForumTopic: MethodHandler = (ctx) => {
  const group = forum(ctx);
  requireAdmin(ctx, group, 'create a topic');
  const name = reqString(ctx.params, 'name');
  if (name.length > 128) throw badRequest('TOPIC_TITLE_INVALID');
  const iconColor =
    optInt(ctx.params, 'icon_color') ?? TOPIC_COLORS[group.topics.size % TOPIC_COLORS.length]!;
  return createTopic(ctx.world, group, name, iconColor, { botId: ctx.bot.id });
};

function topicOf(ctx: MethodContext): { group: GroupRecord; threadId: number } {
  const group = forum(ctx);
  const threadId = reqInt(ctx.params, 'message_thread_id', () => requiredParam('message_thread_id'));
  if (!group.topics.has(threadId)) throw badRequest('message thread not found');
  return { group, threadId };
}

const editForumTopic: MethodHandler = (ctx) => {
  const { group, threadId } = topicOf(ctx);
  const name = optString(ctx.params, 'name');
  if (name !== undefined && name !== '') group.topics.get(threadId)!.name = name;
  return true;
};

const setTopicClosed =
  (closed: boolean): MethodHandler =>
  (ctx) => {
    const { group, threadId } = topicOf(ctx);
    group.topics.get(threadId)!.closed = closed;
    return true;
  };

const deleteForumTopic: MethodHandler = (ctx) => {
  const { group, threadId } = topicOf(ctx);
  group.topics.delete(threadId);
  return true;
};

/** Topics are identified by the id of their forum_topic_created service message. */
export function createTopic(
  world: MethodContext['world'],
  group: GroupRecord,
  name: string,
  iconColor: number,
  sender: { botId: number } | { userId: number },
): { message_thread_id: number; name: string; icon_color: number } {
  const conversation = world.groupConversation(group);
  const threadId = conversation.nextMessageId;
  world.addMessage(conversation, sender, {
    message_thread_id: threadId,
    is_topic_message: true,
    forum_topic_created: { name, icon_color: iconColor },
  });
  group.topics.set(threadId, { name, iconColor, closed: false });
  return { message_thread_id: threadId, name, icon_color: iconColor };
}

export const chatMethods: Record<string, MethodHandler> = {
  getChat,
  getChatMember,
  getChatAdministrators,
  getChatMemberCount,
  banChatMember: changeMember('kicked', 'restrict/ban chat member'),
  unbanChatMember: changeMember('left', 'restrict/ban chat member'),
  leaveChat,
  createChatInviteLink,
  createForumTopic,
  editForumTopic,
  closeForumTopic: setTopicClosed(true),
  reopenForumTopic: setTopicClosed(false),
  deleteForumTopic,
};
