// Jest reads testTimeout only globally; per-project timeouts are set here.
jest.setTimeout(60_000);
