import { describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from './config.js';

describe('serverConfigFromEnv', () => {
  const env = { MOSAIC_DATA_DIR: './data' };

  it('caps sandbox worker RSS at 1024 MB unless told otherwise', () => {
    expect(serverConfigFromEnv(env).plugins.sandboxWorkerMaxRssMb).toBe(1024);
    expect(serverConfigFromEnv({ ...env, MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: '512' }).plugins.sandboxWorkerMaxRssMb).toBe(512);
  });

  it('shares limits and live updates between nodes on a libsql server, not on files, unless told', () => {
    const server = { MOSAIC_DATABASE_URL: 'http://127.0.0.1:8080', MOSAIC_DATABASE_ADMIN_URL: 'http://127.0.0.1:9090' };
    expect(serverConfigFromEnv(env).severalNodes).toBe(false);
    expect(serverConfigFromEnv(server).severalNodes).toBe(true);
    expect(serverConfigFromEnv({ ...server, MOSAIC_NODES: 'one' }).severalNodes).toBe(false);
    expect(serverConfigFromEnv({ ...env, MOSAIC_NODES: 'several' }).severalNodes).toBe(true);
    expect(() => serverConfigFromEnv({ ...env, MOSAIC_NODES: 'two' })).toThrow(/bad configuration: MOSAIC_NODES/);
  });

  it('refuses a worker RSS ceiling a worker could not stay under', () => {
    expect(() => serverConfigFromEnv({ ...env, MOSAIC_SANDBOX_WORKER_MAX_RSS_MB: '64' })).toThrow(
      /bad configuration: MOSAIC_SANDBOX_WORKER_MAX_RSS_MB/,
    );
  });

  it('reads the private-host allowance in canonical form and refuses an address written another way', () => {
    const allow = (list: string) => serverConfigFromEnv({ ...env, MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS: list }).plugins.egress.allowPrivateHosts;
    expect(allow(' 127.0.0.1, Carrier.Test. ,[::1]')).toEqual(['127.0.0.1', 'carrier.test', '[::1]']);
    expect(allow('')).toEqual([]);
    for (const spelling of ['0x7f000001', '2130706433', '127.1', '0177.0.0.1']) {
      expect(() => allow(`carrier.test,${spelling}`)).toThrow(
        `bad configuration: MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS: '${spelling}' is the IP address 127.0.0.1 written another way`,
      );
    }
  });

  it('reads the development host mapping and stops the start-up for a name or address it must refuse', () => {
    const dev = (list: string) => serverConfigFromEnv({ ...env, MOSAIC_EGRESS_DEV_HOSTS: list }).plugins.egress.devHosts;
    expect(dev('Parcelly.Carrier.Test=127.0.0.1,geocoder.maps.test=127.0.0.1')).toEqual({
      'parcelly.carrier.test': '127.0.0.1', 'geocoder.maps.test': '127.0.0.1',
    });
    expect(dev('')).toEqual({});
    expect(() => dev('parcelly.carrier.test=10.0.0.1')).toThrow(
      "bad configuration: MOSAIC_EGRESS_DEV_HOSTS: parcelly.carrier.test: '10.0.0.1' is not a loopback address",
    );
    expect(() => dev('exa%2emple.com=127.0.0.1')).toThrow(/^bad configuration: MOSAIC_EGRESS_DEV_HOSTS: .*exa%2emple\.com/);
  });
});
