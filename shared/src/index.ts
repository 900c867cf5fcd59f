export * from './catalog.ts';
export * from './domain.ts';
export * from './identity.ts';
export * from './mask.ts';
export * from './ticket-number.ts';
