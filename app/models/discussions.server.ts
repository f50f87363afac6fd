// Discussions: categories, threads and posts; quoting, editing with history, removing; unread tracking; watching
// and batched email notifications; @mentions; moderation and reports. Routes call these functions and never write
// SQL. Every write that must stay consistent (a post and its thread's counters, a post and the mails it causes, a
// moderation change and its audit entry) happens in one transaction.
//
// Mentions: "@" followed by a member's full name, as it appears in the directory, matched case-insensitively against
// active members, longest name first ("@Bill Sole, what do you think?" mentions Bill Sole; "@jo brady" mentions Jo
// Brady). The "@" must not follow a letter or digit (so an email address is not a mention) and the name must end at a
// non-letter. Mentions inside code or inside a quoted (">") line do not count. Each mentioned member gets one email
// per post (dedupe key post+member), never the author. See docs/decisions/005-discussions.md.

export {
  type Tx,
  type Category,
  type Thread,
  type Post,
  type WatchLevel,
  notifyBatchMinutes,
  SUBJECT_LABELS,
  SUBJECT_PARAMS,
  LOCKED_MESSAGE,
  canModerate,
  canViewThread,
  canEditPost,
  canDeletePost,
  canReply,
  canReportPost,
  reportRefusal,
  pageForPostNumber,
  lastPageOf,
  permalinkPath,
  postLocation,
  type Outcome,
  type PostOutcome,
  BODY_MAX,
  POSTS_PER_PAGE,
  POST_RATE_LIMIT,
  REPORT_REASON_MAX,
  THREADS_PER_PAGE,
  TITLE_MAX,
} from './discussions/shared.server';
export {
  threadSchema,
  type ThreadInput,
  replySchema,
  type ReplyInput,
  editSchema,
  reportSchema,
  categorySchema,
  type CategoryInput,
} from './discussions/input.server';
export {
  listCategories,
  categoryOptions,
  getCategoryBySlug,
  getCategoryById,
  type CategoryOutcome,
  createCategory,
  updateCategory,
  deleteCategory,
  categoryThreadCounts,
  type Subject,
  findSubject,
  subjectFromSearchParams,
  newThreadUrl,
  defaultCategoryFor,
} from './discussions/categories.server';
export {
  type Mentionable,
  findMentions,
  quoteMarkdown,
  getQuotablePost,
  startThread,
  reply,
  getPostByNumber,
  getPost,
  editPost,
  deletePost,
  type PostVersion,
  postHistory,
} from './discussions/posting.server';
export {
  type ThreadModeration,
  moderateThread,
  moveThread,
  setPostHidden,
  reportPost,
  countOpenReports,
  listReports,
  closeReport,
  getReportPostId,
} from './discussions/moderation.server';
export {
  threadWatchLevel,
  categoryWatchLevel,
  setThreadWatch,
  setCategoryWatch,
  unwatchToken,
  unwatchUrl,
  verifyUnwatchToken,
  unwatchDetails,
  muteByToken,
  queueThreadNotifications,
} from './discussions/watching.server';
export { markRead, lastReadNumber, firstUnreadNumber } from './discussions/unread.server';
export {
  type ThreadListItem,
  listThreads,
  type CategorySummary,
  listCategorySummaries,
  countThreads,
  type ThreadView,
  getThreadForViewer,
  type PostView,
  listPostsOnPage,
  getPostView,
  type DiscussThisData,
  threadsAbout,
  discussThis,
  threadRow,
  type ThreadRow,
} from './discussions/reading.server';
