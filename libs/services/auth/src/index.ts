export { AuthService, type AuthServiceOptions } from './auth.service';
export { authModule } from './auth.module';
export { filterCovers } from './acl/filter-covers';
export { compileAddressMatcher, type AddressMatcher } from './acl/address-matcher';
export type { AuthProvider, ProviderDecision } from './providers/auth-provider';
export { DEFAULT_HASHING, PBKDF2_ITERATIONS, checkPasswordHash, hashPassword, verifyPassword, type HashingOptions, type PasswordAlgorithm } from './passwords/password-hash';
export { deriveScramCredentials, SCRAM_DEFAULT_ITERATIONS } from './scram/scram-credentials';
export { SCRAM_SHA_256 } from './scram/scram-server';
