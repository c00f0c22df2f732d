/**
 * The far end of the bare IPC round trip in plugins-isolate.ts: answers every message shaped like
 * the sandbox's `invoke` with one shaped like its `done`, carrying `replyChars` of JSON, and does
 * nothing else — what is left of a round trip through it is Node IPC itself.
 */
interface Probe {
  id: number;
  replyChars: number;
}

const replies = new Map<number, string>();

process.on('message', (message: Probe) => {
  let json = replies.get(message.replyChars);
  if (json === undefined) replies.set(message.replyChars, (json = JSON.stringify('x'.repeat(Math.max(0, message.replyChars - 2)))));
  process.send!({ type: 'done', id: message.id, outcome: { ok: true, json }, usage: { cpuMs: 0.01, hostCalls: 0, coldStart: false } });
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
