import type { Message } from '@mqp/model';

/**
 * Retained messages, one per topic [MQTT-3.3.1-5]. All methods are async
 * because the durable adapters (LMDB, MongoDB) are.
 */
export interface RetainedStore {
  /** Stores `message` as the retained message of its topic, replacing the previous one. */
  set(message: Message): Promise<void>;
  delete(topic: string): Promise<void>;
  get(topic: string): Promise<Message | undefined>;
  /**
   * The retained messages whose topic matches the (valid, non-shared) filter,
   * with MQTT matching including the `$` rule [MQTT-4.7.2-1]. Order is
   * unspecified. Expiry is the caller's business: stores return what they hold.
   */
  match(filter: string): Promise<Message[]>;
  count(): Promise<number>;
}
