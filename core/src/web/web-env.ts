import type { AppEnv } from '../http/authenticate.js';
import type { WebView } from './view.js';

/** The hono environment of web routes: the app's, plus the view built for the page. */
export type WebEnv = {
  Variables: AppEnv['Variables'] & { view: WebView; secureHeadersNonce?: string };
  Bindings: AppEnv['Bindings'];
};
