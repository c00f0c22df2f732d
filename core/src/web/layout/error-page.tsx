import { Page } from './page.js';
import { useView } from '../view.js';

/** The 404 and 500 pages of the web routes, in the same frame as the rest. */
export function ErrorPage(props: { status: 404 | 500; requestId?: string }) {
  const { t, tenant } = useView();
  const [title, text] = props.status === 404
    ? [t('errors.notFoundTitle'), t('errors.notFoundText')]
    : [t('errors.serverErrorTitle'), t('errors.serverErrorText')];
  return (
    <Page title={title}>
      <h1>{title}</h1>
      <p>{text}</p>
      {props.requestId && <p class="muted">{t('errors.reference', { id: props.requestId })}</p>}
      <p><a href={tenant ? `/t/${tenant.tenant.slug}/portal` : '/'}>{t('errors.home')}</a></p>
    </Page>
  );
}
