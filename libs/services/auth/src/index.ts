export { AuthService, type AuthServiceOptions } from './auth.service';
export { authModule } from './auth.module';
export { filterCovers } from './acl/filter-covers';
export type { AuthProvider, ProviderDecision } from './providers/auth-provider';
export { PBKDF2_ITERATIONS } from './providers/config-users.provider';
