// The simulated outside services the demo's plugins call: carriers and a geocoder on loopback.
import { startCarrierService } from '@mosaic/example-carrier';
import { startGeocoderService } from '@mosaic/example-geocoder';

/** Credentials the carrier simulator accepts in the demo; the demo installs the plugin with them. */
export const DEMO_CARRIER_CREDENTIALS = { parcellyToken: 'demo-parcelly-token', shipfastKey: 'demo-shipfast-key' };

/** The real names the plugins use; MOSAIC_EGRESS_DEV_HOSTS maps them to this machine. */
export const SIMULATED_HOSTS = { parcelly: 'parcelly.carrier.test', shipfast: 'shipfast.carrier.test', geocoder: 'geocoder.maps.test' };

const port = (name, fallback, env) => {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new DemoError('BAD_CONFIGURATION', `${name} must be a port number (0 picks a free one), got ${JSON.stringify(text)}`);
  return n;
};

export class DemoError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Starts both simulators for the demo: no rate limit and no random failures (a newcomer should
 * see the happy path), and a carrier clock at `DEMO_CARRIER_SPEED` journey hours per real hour
 * (default 60: a journey hour a minute) so shipments visibly move while one looks.
 */
export async function startSimulators(env = process.env) {
  const carrierPort = port('CARRIER_PORT', 4100, env);
  const geocoderPort = port('GEOCODER_PORT', 4300, env);
  const speed = Number(env.DEMO_CARRIER_SPEED ?? 60);
  if (!Number.isFinite(speed) || speed <= 0) throw new DemoError('BAD_CONFIGURATION', `DEMO_CARRIER_SPEED must be a positive number, got ${JSON.stringify(env.DEMO_CARRIER_SPEED)}`);
  const carrier = await listening('carrier simulator', 'CARRIER_PORT', carrierPort, () => startCarrierService({
    port: carrierPort,
    host: '127.0.0.1',
    token: DEMO_CARRIER_CREDENTIALS.parcellyToken,
    shipfastKeys: [DEMO_CARRIER_CREDENTIALS.shipfastKey],
    rateLimit: false,
    failureRate: 0,
    speed,
  }));
  let geocoder;
  try {
    geocoder = await listening('geocoder simulator', 'GEOCODER_PORT', geocoderPort, () => startGeocoderService({ port: geocoderPort, host: '127.0.0.1', rateLimit: false }));
  } catch (e) {
    await carrier.close();
    throw e;
  }
  return {
    carrier,
    geocoder,
    /** MOSAIC_EGRESS_DEV_HOSTS for these simulators. */
    devHosts: Object.values(SIMULATED_HOSTS).map((name) => `${name}=127.0.0.1`).join(','),
    close: () => Promise.all([carrier.close(), geocoder.close()]),
  };
}

async function listening(what, variable, wanted, start) {
  try {
    return await start();
  } catch (e) {
    if (e?.code === 'EADDRINUSE') throw new DemoError('ADDRESS_IN_USE', `the ${what}'s port ${wanted} is taken; stop what holds it or set ${variable}`);
    throw e;
  }
}
