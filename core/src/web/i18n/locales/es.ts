import type { WebStrings } from './en.js';
import { portalEs } from './portal.es.js';
import { consoleEs } from './console.es.js';
import { adminEs } from './admin.es.js';
import { mailboxEs } from './mailbox.es.js';
import { operationsEs } from './operations.es.js';
import { chatEs } from './chat.es.js';
import { telephonyEs } from './telephony.es.js';
import { routingEs } from './routing.es.js';

/** Spanish strings; typed against English so a missing or extra key fails the build. */
export const es: WebStrings = {
  common: {
    skipToContent: 'Saltar al contenido principal',
    language: 'Idioma',
    changeLanguage: 'Cambiar idioma',
    primaryNav: 'Principal',
    poweredBy: 'Funciona con Mosaic',
  },
  locales: { en: 'English', es: 'Español' },
  areas: { portal: 'Centro de ayuda', console: 'Consola de agentes', admin: 'Administración' },
  landing: {
    title: 'Mosaic',
    lead: 'Una plataforma de atención al cliente multiempresa: una vista de cada cliente, casos, conversaciones y pedidos, ampliada con complementos aislados.',
    apiHeading: 'Para desarrolladores',
    apiText: 'Explore la API GraphQL en GraphiQL; cada petición necesita una clave de API de su organización.',
    apiLink: 'Abrir GraphiQL',
    tenantText: 'Clientes, agentes y administradores acceden a su organización en la dirección que esta les dio.',
  },
  placeholder: {
    portal: 'Encuentre respuestas, siga sus solicitudes y contacte con {{tenant}}.',
    console: 'Atienda la cola, responda a los clientes y vea cada cliente de un vistazo.',
    admin: 'Configure la marca, los idiomas, las personas y los complementos de {{tenant}}.',
    soon: 'Esta sección está en construcción.',
  },
  portal: portalEs,
  console: consoleEs,
  admin: adminEs,
  mailbox: mailboxEs,
  operations: operationsEs,
  chat: chatEs,
  telephony: telephonyEs,
  routing: routingEs,
  staffSignIn: {
    title: 'Iniciar sesión',
    leadStaff: 'Inicia sesión con tu cuenta de agente o de administrador.',
    leadAdmin: 'Inicia sesión con tu cuenta de administrador.',
    email: 'Correo electrónico',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    signOut: 'Cerrar sesión',
    invalid: 'Este correo y esta contraseña no corresponden a ninguna cuenta.',
    rateLimited: 'Demasiados intentos fallidos. Espera unos minutos y vuelve a intentarlo.',
    noAccess: 'Esta cuenta no tiene acceso a esta área.',
  },
  widgets: {
    opensInNewTab: '(se abre en una pestaña nueva)',
    couldNotShow: 'No se pudo mostrar este widget.',
    errorCode: 'Código',
    empty: 'No hay nada que mostrar aquí.',
    noValue: 'sin valor',
    tones: { neutral: 'Nota', info: 'Información', success: 'Correcto', warning: 'Aviso', danger: 'Problema' },
    region: 'Extensiones',
    actionFailed: 'La acción no se completó',
  },
  errors: {
    notFoundTitle: 'Página no encontrada',
    notFoundText: 'No hay ninguna página en esta dirección.',
    serverErrorTitle: 'Algo ha fallado',
    serverErrorText: 'No se ha podido mostrar la página. Inténtelo de nuevo en un momento.',
    reference: 'Referencia: {{id}}',
    home: 'Ir a la página de inicio',
  },
};
