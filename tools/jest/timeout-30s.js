// Jest reads testTimeout only globally; per-project timeouts are set here.
jest.setTimeout(30_000);
