export { RouterService, type RouterServiceDeps } from './router.service';
export { routerModule } from './router.module';
