// @wirekit/rx — rxjs Observables for any WireKit Connection: state, messages, send results. Every export is listed by name.

export {};
