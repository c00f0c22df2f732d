/** Agents' daily tools: private notes with @mentions, notifications, tags, canned responses, macros, scheduled replies. */
export * from './canned-responses.js';
export * from './macros.js';
export * from './notes.js';
export * from './notifications.js';
export * from './scheduled-replies.js';
export * from './tags.js';
export { TEMPLATE_VARIABLES, renderTemplate, templateVariables, type TemplateVariable } from './template.js';
export { mentionedHandles } from './mentions.js';
