import { Hono } from 'hono';
import { listQueues, type Queue } from '../../../domain/agents.js';
import { createChannel, disableChannel, getChannel, listChannels, rotateChannelSecret, type ChannelView, type ChannelWithSecret } from '../../../domain/intake/index.js';
import { CHANNELS } from '../../../db/tenant-schema.js';
import { inboundPathOf } from '../../../http/channel-intake.js';
import { toGlobalId } from '../../../lib/ids.js';
import type { Platform } from '../../../platform.js';
import { CsrfField, FormProblem, SelectField, TextField, type FieldErrors } from '../../form-fields.js';
import { publicOrigin } from '../../public-origin.js';
import { renderPage } from '../../render.js';
import { staffTenantContext } from '../../session/index.js';
import type { StaffWebEnv } from '../../staff-sign-in.js';
import { useView } from '../../view.js';
import { adminPath, readForm, text, type AdminContext } from '../admin-context.js';
import { AdminPage, RowAction, TableScroll } from '../admin-page.js';
import { DoneNotice, doneOf, everyNode, idParam, inputErrors } from './forms.js';

interface NewChannelState { values: { kind?: string; name?: string; defaultQueueId?: string; region?: string }; errors: FieldErrors; problem?: string | null }
type Inbound = (channel: ChannelView) => string;

const NOTES = ['disabled'] as const;
const RULES = { kind: 'operations.channels.kindRule', name: 'operations.channels.nameRule', region: 'operations.channels.regionRule' };

function ChannelsPage(props: { csrf: string; channels: ChannelView[]; queues: Queue[]; inbound: Inbound; form: NewChannelState; done?: string }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/channels`;
  const queueName = new Map(props.queues.map((q) => [q.id, q.name]));
  const { values, errors } = props.form;
  return (
    <AdminPage title={t('operations.channels.title')} section="channels" csrf={props.csrf}>
      <h1>{t('operations.channels.title')}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.channels.done" />
      <p class="lead">{t('operations.channels.lead')}</p>
      {props.channels.length === 0 ? <p>{t('operations.channels.none')}</p> : (
        <TableScroll label={t('operations.channels.title')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.channels.title')}</caption>
            <thead><tr>
              <th scope="col">{t('operations.channels.name')}</th><th scope="col">{t('operations.channels.kind')}</th>
              <th scope="col">{t('operations.channels.defaultQueue')}</th><th scope="col">{t('operations.channels.inboundUrl')}</th>
              <th scope="col">{t('operations.channels.status')}</th><th scope="col">{t('operations.actions')}</th>
            </tr></thead>
            <tbody>
              {props.channels.map((ch) => (
                <tr>
                  <td class="cell--title">{ch.name}</td>
                  <td data-label={t('operations.channels.kind')}>{t(`operations.channelKinds.${ch.kind}`)}</td>
                  <td data-label={t('operations.channels.defaultQueue')}>{ch.defaultQueueId ? queueName.get(ch.defaultQueueId) ?? '—' : t('operations.channels.noQueue')}</td>
                  <td data-label={t('operations.channels.inboundUrl')}><code class="inbound-url">{props.inbound(ch)}</code></td>
                  <td data-label={t('operations.channels.status')}>{ch.disabledAt ? t('operations.channels.disabledOn', { date: format.date(ch.disabledAt) }) : t('operations.channels.enabled')}</td>
                  <td>{!ch.disabledAt && (
                    <div class="row-actions">
                      <a class="button button--secondary" href={`${base}/${ch.id}/rotate`}><RowAction text={t('operations.channels.rotate')} of={ch.name} /></a>
                      <form method="post" action={`${base}/${ch.id}/disable`}>
                        <CsrfField token={props.csrf} />
                        <button type="submit" class="button--danger"><RowAction text={t('operations.channels.disable')} of={ch.name} /></button>
                      </form>
                    </div>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <section class="card" aria-labelledby="new-channel-heading">
        <h2 id="new-channel-heading">{t('operations.channels.create')}</h2>
        <form method="post" action={base} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <FormProblem message={props.form.problem} />
          <SelectField name="kind" label={t('operations.channels.kind')} value={values.kind ?? 'EMAIL'} error={errors.kind}
            options={CHANNELS.map((k) => ({ value: k, label: t(`operations.channelKinds.${k}`) }))} />
          <TextField name="name" label={t('operations.channels.name')} hint={t('operations.channels.nameHint')} value={values.name} error={errors.name} required maxlength={120} autocomplete="off" />
          <SelectField name="defaultQueueId" label={t('operations.channels.defaultQueue')} hint={t('operations.channels.defaultQueueHint')} value={values.defaultQueueId ?? ''} error={errors.defaultQueueId}
            options={[{ value: '', label: t('operations.channels.noQueue') }, ...props.queues.map((q) => ({ value: q.id, label: q.name }))]} />
          <TextField name="region" label={t('operations.channels.region')} hint={t('operations.channels.regionHint')} value={values.region} error={errors.region} maxlength={2} autocomplete="off" />
          <button type="submit">{t('operations.channels.createSubmit')}</button>
        </form>
      </section>
    </AdminPage>
  );
}

/** The secret of a channel just created or rotated: this answer is the only place it ever appears. */
function SecretPage(props: { csrf: string; created: boolean; result: ChannelWithSecret; inbound: Inbound }) {
  const { t, tenant } = useView();
  const { channel, secret } = props.result;
  const heading = t(props.created ? 'operations.channels.createdTitle' : 'operations.channels.rotatedTitle', { name: channel.name });
  return (
    <AdminPage title={heading} section="channels" csrf={props.csrf}>
      <h1>{heading}</h1>
      <section class="card card--highlight" aria-labelledby="secret-heading">
        <h2 id="secret-heading">{t('operations.channels.secretTitle')}</h2>
        <p>{t('operations.channels.shownOnce')}</p>
        <p><label for="channel-secret">{t('operations.channels.secret')}</label></p>
        <input id="channel-secret" class="secret-once" type="text" readonly value={secret} autocomplete="off" />
        <p><label for="channel-url">{t('operations.channels.inboundUrl')}</label></p>
        <input id="channel-url" class="secret-once" type="text" readonly value={props.inbound(channel)} />
        <p>{t(channel.kind === 'SMS' ? 'operations.channels.howSigned' : 'operations.channels.howAuthenticated')}</p>
      </section>
      <p><a href={`/t/${tenant!.tenant.slug}/admin/channels`}>{t('operations.channels.back')}</a></p>
    </AdminPage>
  );
}

/** The step before a rotation: the old secret stops working at once, so the admin confirms. */
function RotatePage(props: { csrf: string; channel: ChannelView }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/channels`;
  const heading = t('operations.channels.rotateTitle', { name: props.channel.name });
  return (
    <AdminPage title={heading} section="channels" csrf={props.csrf}>
      <h1>{heading}</h1>
      <p>{t('operations.channels.rotateWarning')}</p>
      <form method="post" action={`${base}/${props.channel.id}/rotate`} class="actions">
        <CsrfField token={props.csrf} />
        <button type="submit" class="button--danger">{t('operations.channels.rotateSubmit')}</button>
        <a href={base}>{t('operations.cancel')}</a>
      </form>
    </AdminPage>
  );
}

/**
 * The tenant's inbound channels: list with the URL each provider posts to, create (the secret
 * shown in that answer only: it is stored encrypted, never redirected through a URL, never
 * cached), rotate the secret after a confirm step, disable.
 */
export function channelRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const vault = platform.plugins.installer.vault;
  const inboundOf = (c: AdminContext): Inbound => {
    const origin = publicOrigin(c, platform.config);
    return (ch) => `${origin}/channels/${c.var.webTenant.slug}/${toGlobalId('IntakeChannel', ch.id)}${inboundPathOf(ch.kind)}`;
  };
  const list = async (c: AdminContext, form: NewChannelState, status: 200 | 422 = 200) => {
    const ctx = staffTenantContext(c);
    const [channels, queues] = await Promise.all([listChannels(ctx), everyNode((a) => listQueues(ctx, a))]);
    const page = <ChannelsPage csrf={c.var.csrfToken} channels={channels} queues={queues} inbound={inboundOf(c)} form={form} done={doneOf(c)} />;
    return renderPage(c, c.get('view'), page, status);
  };
  const secretPage = (c: AdminContext, result: ChannelWithSecret, created: boolean) =>
    renderPage(c, c.get('view'), <SecretPage csrf={c.var.csrfToken} created={created} result={result} inbound={inboundOf(c)} />);

  routes.get('/', (c) => list(c, { values: {}, errors: {} }));
  routes.post('/', async (c) => {
    const body = await readForm(c);
    const values = { kind: text(body, 'kind'), name: text(body, 'name'), defaultQueueId: text(body, 'defaultQueueId'), region: text(body, 'region') };
    try {
      const result = await createChannel(staffTenantContext(c), vault, {
        kind: values.kind, name: values.name, defaultQueueId: values.defaultQueueId || null, region: values.region.trim() || null,
      });
      return secretPage(c, result, true);
    } catch (err) {
      const errors = inputErrors(err, c.get('view').t, RULES);
      if (!errors) throw err;
      return list(c, { values, errors, problem: errors._form }, 422);
    }
  });
  routes.get('/:channelId/rotate', async (c) => {
    const channel = await getChannel(staffTenantContext(c), idParam(c, 'channelId'));
    if (channel.disabledAt) return c.redirect(adminPath(c, '/channels'), 303);
    return renderPage(c, c.get('view'), <RotatePage csrf={c.var.csrfToken} channel={channel} />);
  });
  routes.post('/:channelId/rotate', async (c) => secretPage(c, await rotateChannelSecret(staffTenantContext(c), vault, idParam(c, 'channelId')), false));
  routes.post('/:channelId/disable', async (c) => {
    await disableChannel(staffTenantContext(c), idParam(c, 'channelId'));
    return c.redirect(`${adminPath(c, '/channels')}?done=disabled`, 303);
  });
  return routes;
}
