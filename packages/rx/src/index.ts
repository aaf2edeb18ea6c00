// @wirekit/rx — rxjs Observables for any WireKit Connection: state, messages, send results. Every export is listed by name.

export { messages$, textMessages$, binaryMessages$, decoded$, json$, messageResults$ } from './messages.js';
export { state$, lifecycle$, errors$ } from './state.js';
export type { LifecycleEvent } from './state.js';
export { send$, sendTo } from './send.js';
export { fromConnection } from './from-connection.js';
export type { Result } from './result.js';
