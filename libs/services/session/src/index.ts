export { SessionService, type SessionServiceDeps } from './session.service';
export { sessionModule } from './session.module';
