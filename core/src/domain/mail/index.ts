export { listMail, pendingMail, queueMail, markMailFailed, markMailSent, mailInput, type MailMessage } from './outbox.js';
export { MailSender, type MailSenderOptions } from './smtp-sender.js';
