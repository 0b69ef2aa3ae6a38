import type { Ack } from "./common";
import type {
  AuditListRequest,
  AuditListResult,
  DirectOpenRequest,
  InviteAcceptRequest,
  InviteCreateRequest,
  InviteCreateResult,
  InviteListResult,
  InviteRevokeRequest,
  MemberChange,
  MemberChangeResult,
  MemberMuteRequest,
  MemberRoleRequest,
  MembersListRequest,
  MembersListResult,
  MemberTargetRequest,
  RoomCreateRequest,
  RoomInfoResult,
  RoomTargetRequest,
  RoomUpdate,
  RoomUpdateRequest,
  UsersFindRequest,
  UsersFindResult,
} from "./membership";
import type {
  AroundPage,
  ChangesAfterRequest,
  ChangesPage,
  ChatMessage,
  HistoryAfterRequest,
  HistoryAroundRequest,
  HistoryBeforeRequest,
  MessageChangeResult,
  MessageDeleteRequest,
  MessageEditRequest,
  MessageSendRequest,
  MessageSendResult,
  MessageUpdate,
  Page,
  ReactionRequest,
  ReactionUsersResult,
} from "./messages";
import type {
  NotificationEvent,
  NotificationsChanged,
  NotificationsGetRequest,
  NotificationsGetResult,
  NotificationsSetRequest,
  NotificationsSetResult,
  NotificationWithdrawn,
  PushSubscribeRequest,
  PushSubscribeResult,
  PushUnsubscribeRequest,
  VisibilityNotice,
} from "./notifications";
import type { PresenceChange, PresenceList, Typing, TypingNotice } from "./presence";
import type {
  ReadMarked,
  ReadMarkRequest,
  ReadMarkResult,
  ReadPositionsRequest,
  ReadPositionsResult,
} from "./reads";
import type { RoomJoinRequest, RoomJoinResult, RoomLeaveRequest } from "./rooms";
import type {
  MentionsListRequest,
  MentionsListResult,
  SearchRequest,
  SearchResult,
} from "./search";
import type { SessionInfo, UserRenameRequest, UserRenameResult } from "./users";

/** The Socket.IO contract between browsers, bots and the server (see docs/protocol.md). */

/** Every request a client can make: its payload and what a success acknowledges with. */
export type Requests = {
  "room:join": { request: RoomJoinRequest; result: RoomJoinResult };
  "room:leave": { request: RoomLeaveRequest; result: object };
  "message:send": { request: MessageSendRequest; result: MessageSendResult };
  "message:edit": { request: MessageEditRequest; result: MessageChangeResult };
  "message:delete": { request: MessageDeleteRequest; result: MessageChangeResult };
  "reaction:add": { request: ReactionRequest; result: MessageChangeResult };
  "reaction:remove": { request: ReactionRequest; result: MessageChangeResult };
  "reaction:users": { request: ReactionRequest; result: ReactionUsersResult };
  "history:before": { request: HistoryBeforeRequest; result: Page };
  "history:after": { request: HistoryAfterRequest; result: Page };
  "history:around": { request: HistoryAroundRequest; result: AroundPage };
  "changes:after": { request: ChangesAfterRequest; result: ChangesPage };
  "user:rename": { request: UserRenameRequest; result: UserRenameResult };
  "read:mark": { request: ReadMarkRequest; result: ReadMarkResult };
  "read:positions": { request: ReadPositionsRequest; result: ReadPositionsResult };
  /** Membership and moderation (docs/protocol.md, "Membership"). */
  "room:create": { request: RoomCreateRequest; result: RoomInfoResult };
  "room:update": { request: RoomUpdateRequest; result: RoomInfoResult };
  "room:delete": { request: RoomTargetRequest; result: object };
  "room:claim": { request: RoomTargetRequest; result: RoomInfoResult };
  "members:list": { request: MembersListRequest; result: MembersListResult };
  "member:leave": { request: RoomTargetRequest; result: MemberChangeResult };
  "member:add": { request: MemberTargetRequest; result: MemberChangeResult };
  "member:kick": { request: MemberTargetRequest; result: MemberChangeResult };
  "member:ban": { request: MemberTargetRequest; result: MemberChangeResult };
  "member:unban": { request: MemberTargetRequest; result: MemberChangeResult };
  "member:mute": { request: MemberMuteRequest; result: MemberChangeResult };
  "member:unmute": { request: MemberTargetRequest; result: MemberChangeResult };
  "member:role": { request: MemberRoleRequest; result: MemberChangeResult };
  "invite:create": { request: InviteCreateRequest; result: InviteCreateResult };
  "invite:list": { request: RoomTargetRequest; result: InviteListResult };
  "invite:revoke": { request: InviteRevokeRequest; result: object };
  "invite:accept": { request: InviteAcceptRequest; result: RoomInfoResult };
  "dm:open": { request: DirectOpenRequest; result: RoomInfoResult };
  "audit:list": { request: AuditListRequest; result: AuditListResult };
  "users:find": { request: UsersFindRequest; result: UsersFindResult };
  /** Search and mentions (docs/protocol.md, "Search"). */
  search: { request: SearchRequest; result: SearchResult };
  "mentions:list": { request: MentionsListRequest; result: MentionsListResult };
  /** Notifications and Web Push (docs/protocol.md, "Notifications"). */
  "notifications:get": { request: NotificationsGetRequest; result: NotificationsGetResult };
  "notifications:set": { request: NotificationsSetRequest; result: NotificationsSetResult };
  "push:subscribe": { request: PushSubscribeRequest; result: PushSubscribeResult };
  "push:unsubscribe": { request: PushUnsubscribeRequest; result: object };
};

export type RequestEvent = keyof Requests;
export type RequestOf<E extends RequestEvent> = Requests[E]["request"];
export type ResultOf<E extends RequestEvent> = Requests[E]["result"];

/**
 * Fire-and-forget events a client can send: no acknowledgement, and a lost one
 * does not matter (they are sent volatile and expire by themselves).
 */
export type Notices = {
  "typing:start": TypingNotice;
  "typing:stop": TypingNotice;
  /** Whether this connection's page is visible (decides whether a push is needed). */
  "notifications:visibility": VisibilityNotice;
};

export type NoticeEvent = keyof Notices;

/** client → server: each request carries an acknowledgement callback; notices carry none. */
export type ClientToServerEvents = {
  [E in RequestEvent]: (request: RequestOf<E>, ack: Ack<ResultOf<E>>) => void;
} & {
  [E in NoticeEvent]: (notice: Notices[E]) => void;
};

export interface ServerToClientEvents {
  session: (session: SessionInfo) => void;
  "message:created": (message: ChatMessage) => void;
  /** A message changed (edited, deleted, reacted to), sent after the change is stored. */
  "message:updated": (update: MessageUpdate) => void;
  "presence:listed": (list: PresenceList) => void;
  "presence:changed": (change: PresenceChange) => void;
  "typing:started": (typing: Typing) => void;
  "typing:stopped": (typing: Typing) => void;
  /** Another connection of this account moved a read position forward. */
  "read:marked": (marked: ReadMarked) => void;
  /**
   * A membership of a room changed (someone joined, left, was added, kicked,
   * banned, muted, or changed role). Sent to the room, and to the person it
   * names wherever they are connected — a removed member learns it this way.
   */
  "member:changed": (change: MemberChange) => void;
  /** A room's settings changed, or it was deleted; sent to its members' connections. */
  "room:updated": (room: RoomUpdate) => void;
  /** A message this person should hear of (their level and the message decide). */
  notification: (notification: NotificationEvent) => void;
  /** A notification no longer stands: its message was deleted, or lost the mention. */
  "notification:withdrawn": (withdrawn: NotificationWithdrawn) => void;
  /** Another connection of this person set a room's level. */
  "notifications:changed": (changed: NotificationsChanged) => void;
}
