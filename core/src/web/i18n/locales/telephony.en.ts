/** English strings of the console's telephony: the screen pop, call notes and click-to-dial. */
export const telephonyEn = {
  pop: {
    region: 'Calls',
    ringing: 'Incoming call',
    ringingOut: 'Outgoing call',
    answered: 'Call answered',
    answeredByYou: 'You answered this call',
    ended: 'Call ended',
    from: 'From {{number}}',
    unknownCaller: 'Unknown caller {{number}}',
    open360: 'Open the 360 of {{name}}',
    openRecord: 'Open the record of {{number}}',
  },
  notes: {
    title: 'Call notes',
    lead: 'Notes on the call of {{at}}; they are saved on the timeline.',
    label: 'Notes',
    hint: 'What was said and agreed, up to {{max}} characters.',
    subject: 'Call notes',
    save: 'Save notes',
    required: 'Write the notes before saving them.',
    tooLong: 'Notes can be at most {{max}} characters.',
    saved: 'Call notes saved.',
    problem: 'The notes were not saved; see below.',
  },
  dial: {
    call: 'Call',
    callNumber: 'Call {{number}} from the telephone system',
    dialling: 'Dialling {{number}}…',
    merged: 'This customer was merged into another one: call that one.',
    badNumber: 'This number cannot be dialled: it is not one of the customer’s numbers in international form.',
  },
};
