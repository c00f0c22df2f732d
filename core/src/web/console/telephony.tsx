import { MAX_CALL_NOTES_CHARS } from '../../domain/intake/calls.js';
import type { Interaction } from '../../domain/interactions.js';
import { CsrfField, FormProblem, TextAreaField } from '../form-fields.js';
import { useView } from '../view.js';
import type { WidgetFlash } from '../widget-flash.js';
import { consoleBase } from './frame.js';

/** The flash "frame" of the telephony's messages (carried by the widget flash cookie across a 303). */
export const TELEPHONY_FLASH = 'telephony';

/** What the 360 shows of telephony beyond the customer's data: the call being noted, a dial problem, a message. */
export interface TelephonyState {
  /** The call whose notes the agent is writing (from `?call=`), with what they typed and why it was refused. */
  call?: { interaction: Interaction; text?: string; error?: string } | null;
  /** Why the last click-to-dial was refused. */
  dialError?: string;
  /** The message kept across the redirect ("Dialling …", "Call notes saved."). */
  flash?: WidgetFlash | null;
}

/** The message of the last telephony action, announced as a status. */
export function TelephonyNotice(props: { state: TelephonyState }) {
  const flash = props.state.flash?.frameId === TELEPHONY_FLASH ? props.state.flash : null;
  return (
    <>
      {flash && <p class="notice" role="status">{flash.message}</p>}
      {props.state.dialError && <p class="form-problem" role="alert" id="dial-error">{props.state.dialError}</p>}
    </>
  );
}

/**
 * Click-to-dial: a button posting the number to the telephone system (a `call.dial` event a PBX
 * plugin acts on); the tel: link beside it stays for softphones on the agent's own device.
 */
export function DialButton(props: { customerId: string; phone: string; csrfToken: string }) {
  const view = useView();
  const { t } = view;
  return (
    <form method="post" action={`${consoleBase(view.tenant!.tenant.slug)}/customers/${props.customerId}/dial`} class="dial-form">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="number" value={props.phone} />
      <button type="submit" class="button--secondary" aria-label={t('telephony.dial.callNumber', { number: props.phone })}>{t('telephony.dial.call')}</button>
    </form>
  );
}

/** The form for the agent's notes on one call: saved to the customer's timeline, on the call's case. */
export function CallNotesCard(props: { customerId: string; call: NonNullable<TelephonyState['call']>; csrfToken: string }) {
  const view = useView();
  const { t, format } = view;
  const { interaction, error } = props.call;
  return (
    <section class="card call-notes" aria-labelledby="call-notes-h">
      <h2 id="call-notes-h">{t('telephony.notes.title')}</h2>
      <p class="muted">{t('telephony.notes.lead', { at: format.dateTime(interaction.occurredAt) })}</p>
      <form method="post" action={`${consoleBase(view.tenant!.tenant.slug)}/customers/${props.customerId}/calls/${interaction.id}/notes`} class="stacked-form" novalidate>
        <FormProblem message={error && t('telephony.notes.problem')} />
        <CsrfField token={props.csrfToken} />
        <TextAreaField name="notes" label={t('telephony.notes.label')} hint={t('telephony.notes.hint', { max: format.number(MAX_CALL_NOTES_CHARS) })}
          error={error} value={props.call.text ?? ''} rows={4} maxlength={MAX_CALL_NOTES_CHARS} />
        <button type="submit">{t('telephony.notes.save')}</button>
      </form>
    </section>
  );
}
