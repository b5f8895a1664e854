export { IntegrationService, type IntegrationServiceDeps } from './integration.service';
export { integrationModule } from './integration.module';
export { WebhookConnector, WebhookError, type WebhookConnectorOptions } from './webhook.connector';
export type { Connector, ConnectorHealth } from './connector';
export { messageBody, eventBody, type MessageWebhookBody } from './webhook-payload';
