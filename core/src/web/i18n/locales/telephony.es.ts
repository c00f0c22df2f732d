import type { telephonyEn } from './telephony.en.js';

/** Spanish strings of the console's telephony; typed against English. */
export const telephonyEs: typeof telephonyEn = {
  pop: {
    region: 'Llamadas',
    ringing: 'Llamada entrante',
    ringingOut: 'Llamada saliente',
    answered: 'Llamada atendida',
    answeredByYou: 'Usted atendió esta llamada',
    ended: 'Llamada finalizada',
    from: 'De {{number}}',
    unknownCaller: 'Llamante desconocido {{number}}',
    open360: 'Abrir la vista 360 de {{name}}',
    openRecord: 'Abrir la ficha de {{number}}',
  },
  notes: {
    title: 'Notas de la llamada',
    lead: 'Notas de la llamada del {{at}}; se guardan en la cronología.',
    label: 'Notas',
    hint: 'Lo que se habló y acordó, hasta {{max}} caracteres.',
    subject: 'Notas de la llamada',
    save: 'Guardar notas',
    required: 'Escriba las notas antes de guardarlas.',
    tooLong: 'Las notas pueden tener como máximo {{max}} caracteres.',
    saved: 'Notas de la llamada guardadas.',
    problem: 'Las notas no se guardaron; vea abajo.',
  },
  dial: {
    call: 'Llamar',
    callNumber: 'Llamar al {{number}} desde la centralita',
    dialling: 'Marcando {{number}}…',
    merged: 'Este cliente se fusionó con otro: llame a ese.',
    badNumber: 'No se puede marcar este número: no es uno de los números del cliente en formato internacional.',
  },
};
