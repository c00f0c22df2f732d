/**
 * Knowledge base and community rows. Their aggregate columns (helpful counts, post scores) are
 * derived from the rating and vote rows written with them, so they agree with what the domain
 * code would have computed had the ratings and votes come in through the API.
 */
import { between, DAY, YEAR, type SeedContext } from './context.js';
import { TOPICS } from './pools.js';
import { Weighted } from './rng.js';
import { newId } from '../lib/ids.js';

const ARTICLE_VISIBILITY = new Weighted([['PUBLIC', 75], ['INTERNAL', 13], ['DRAFT', 12]] as const);
const EXTRA_TAGS = ['faq', 'account', 'orders', 'payments', 'app', 'delivery', 'policy', 'how-to'];
const TITLE_VARIANTS = ['for business accounts', 'in the mobile app', 'on the website', 'FAQ', 'step by step'];
const RATING_COMMENTS = [
  'Exactly what I needed.', 'Clear and short, thanks.', 'Did not answer my question.', 'Outdated screenshots.',
  'Solved my problem.', 'Please add more detail about refunds.', 'Helpful!', 'Too long.',
];

export function addArticles(ctx: SeedContext, count: number): void {
  const { rng, pools, t, now } = ctx;
  const titles = [...pools.articleTitles];
  for (let i = 0; i < count; i++) {
    // Each title once first; repeats get a qualifier so the list still reads naturally.
    const { topic, title: base } = titles[i % titles.length]!;
    const title = i < titles.length ? base : `${base} ${rng.pick(TITLE_VARIANTS)}`;
    const visibility = ARTICLE_VISIBILITY.draw(rng);
    const createdAt = now - Math.floor(rng.next() * 2 * YEAR);
    const paragraphs = Array.from({ length: rng.int(3, 5) }, () => rng.pick(pools.articleParagraphs[topic]));
    const tags = [...new Set([topic, rng.pick(EXTRA_TAGS), rng.pick(EXTRA_TAGS)])].slice(0, rng.int(1, 3));
    const id = newId();
    let helpful = 0;
    let notHelpful = 0;
    if (visibility === 'PUBLIC') {
      // A popular article has many ratings, mostly positive.
      const ratings = Math.floor(rng.next() ** 2 * 150);
      const positive = 0.55 + rng.next() * 0.4;
      for (let r = 0; r < ratings; r++) {
        const yes = rng.chance(positive);
        if (yes) helpful++;
        else notHelpful++;
        const customerId = ctx.sample.length > 0 && rng.chance(0.7) ? rng.pick(ctx.sample) : null;
        const comment = rng.chance(0.15) ? rng.pick(RATING_COMMENTS) : null;
        t.articleRatings.add(newId(), id, customerId, yes ? 1 : 0, comment, between(ctx.rng, createdAt, now));
      }
    }
    const updatedAt = between(rng, createdAt, now);
    const text = paragraphs.join('\n\n');
    t.knowledgeArticles.add(id, title, text, visibility, 'en', JSON.stringify(tags), helpful, notHelpful, createdAt, updatedAt);
    t.knowledgeArticleVersions.add(id, 1, title, text, visibility, 'en', JSON.stringify(tags), null, updatedAt);
  }
}

export function addThreads(ctx: SeedContext, count: number): void {
  const { rng, pools, t, now } = ctx;
  for (let i = 0; i < count; i++) {
    const threadId = newId();
    const author = ctx.sample.length > 0 ? rng.pick(ctx.sample) : null;
    let at = now - DAY - Math.floor(rng.next() * YEAR);
    t.communityThreads.add(threadId, rng.pick(pools.threadTitles), author, at);
    const posts = rng.int(2, 12);
    for (let p = 0; p < posts; p++) {
      const topic = rng.pick(TOPICS);
      // Replies come from agents now and then; the opening post is the thread author's.
      const byAgent = p > 0 && ctx.agents.length > 0 && rng.chance(0.25);
      const customerId = p === 0 ? author : byAgent ? null : ctx.sample.length > 0 ? rng.pick(ctx.sample) : null;
      const agentId = byAgent ? rng.pick(ctx.agents).id : null;
      const body = rng.pick(byAgent ? pools.texts[topic].outbound : pools.texts[topic].inbound);
      const postId = newId();
      const score = addVotes(ctx, postId, customerId, at);
      t.communityPosts.add(postId, threadId, customerId, agentId, body, score, at);
      at = Math.min(now, at + Math.floor(rng.next() * 2 * DAY));
    }
  }
}

/** One vote per customer per post, never by the post's author; returns the resulting score. */
function addVotes(ctx: SeedContext, postId: string, authorId: string | null, postedAt: number): number {
  const { rng, now } = ctx;
  const voters = new Set<string>();
  const wanted = rng.int(0, 8);
  for (let attempt = 0; attempt < wanted * 3 && voters.size < wanted && ctx.sample.length > 0; attempt++) {
    const id = rng.pick(ctx.sample);
    if (id !== authorId) voters.add(id);
  }
  let score = 0;
  for (const customerId of voters) {
    const value = rng.chance(0.8) ? 1 : -1;
    score += value;
    ctx.t.communityVotes.add(postId, customerId, value, between(rng, postedAt, now));
  }
  return score;
}
