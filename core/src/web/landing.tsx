import { Page } from './layout/page.js';
import { useView } from './view.js';

/**
 * The server's home page: what Mosaic is and where the API is. It names no tenant: a list of
 * them would tell anyone who the platform's customers are.
 */
export function LandingPage() {
  const { t } = useView();
  return (
    <Page title={t('landing.title')}>
      <h1>{t('landing.title')}</h1>
      <p class="lead">{t('landing.lead')}</p>
      <section class="card" aria-labelledby="api-heading">
        <h2 id="api-heading">{t('landing.apiHeading')}</h2>
        <p>{t('landing.apiText')}</p>
        <p><a class="button" href="/graphql">{t('landing.apiLink')}</a></p>
      </section>
      <p class="muted">{t('landing.tenantText')}</p>
    </Page>
  );
}
