/** Injection tokens of the service runtime. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
export const EVENT_HANDLERS = Symbol('EVENT_HANDLERS');
export const PLATFORM_CLOCK = Symbol('PLATFORM_CLOCK');
export const APP_LOGGER = Symbol('APP_LOGGER');
