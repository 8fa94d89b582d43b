export * from './rule';
export * from './fields';
export * from './document';
export * from './validate-rule';
export * from './reference-evaluator';
export * from './compiled-matcher';
export * from './explain';
export * from './never-matches';
