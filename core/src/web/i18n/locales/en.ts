import { portalEn } from './portal.en.js';
import { consoleEn } from './console.en.js';
import { adminEn } from './admin.en.js';
import { mailboxEn } from './mailbox.en.js';
import { operationsEn } from './operations.en.js';
import { chatEn } from './chat.en.js';
import { telephonyEn } from './telephony.en.js';
import { routingEn } from './routing.en.js';
/** English strings for the web pages, grouped by area. The shape is the contract every locale follows. */
export const en = {
  common: {
    skipToContent: 'Skip to main content',
    language: 'Language',
    changeLanguage: 'Change language',
    primaryNav: 'Main',
    poweredBy: 'Runs on Mosaic',
  },
  locales: { en: 'English', es: 'Español' },
  areas: { portal: 'Help centre', console: 'Agent console', admin: 'Administration' },
  landing: {
    title: 'Mosaic',
    lead: 'A multi-tenant customer-service platform: one view of each customer, cases, conversations and orders, extended by sandboxed plugins.',
    apiHeading: 'For developers',
    apiText: 'Explore the GraphQL API in GraphiQL; every request needs an API key of your organisation.',
    apiLink: 'Open GraphiQL',
    tenantText: 'Customers, agents and administrators reach their organisation at the address it gave them.',
  },
  placeholder: {
    portal: 'Find answers, follow your requests and contact {{tenant}}.',
    console: 'Work the queue, answer customers and see each customer at a glance.',
    admin: 'Set up branding, languages, people and plugins for {{tenant}}.',
    soon: 'This area is being built.',
  },
  portal: portalEn,
  console: consoleEn,
  admin: adminEn,
  mailbox: mailboxEn,
  operations: operationsEn,
  chat: chatEn,
  telephony: telephonyEn,
  routing: routingEn,
  /** The sign-in shared by the console and the admin pages. */
  staffSignIn: {
    title: 'Sign in',
    leadStaff: 'Sign in with your agent or administrator account.',
    leadAdmin: 'Sign in with your administrator account.',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    signOut: 'Sign out',
    invalid: 'This email and password do not match an account.',
    rateLimited: 'Too many failed sign-ins. Wait a few minutes and try again.',
    noAccess: 'This account has no access to this area.',
  },
  /** What plugin widgets write around the plugin's own content, on every area's pages. */
  widgets: {
    opensInNewTab: '(opens in a new tab)',
    couldNotShow: 'This widget could not be shown.',
    errorCode: 'Code',
    empty: 'Nothing to show here.',
    noValue: 'no value',
    tones: { neutral: 'Note', info: 'Information', success: 'Success', warning: 'Warning', danger: 'Problem' },
    region: 'Extensions',
    actionFailed: 'The action did not complete',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFoundText: 'There is no page at this address.',
    serverErrorTitle: 'Something went wrong',
    serverErrorText: 'The page could not be shown. Please try again in a moment.',
    reference: 'Reference: {{id}}',
    home: 'Go to the home page',
  },
};

/** The keys every locale defines (nested objects of strings). */
export type WebStrings = typeof en;
