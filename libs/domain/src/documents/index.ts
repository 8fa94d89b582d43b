export * from './classification-plan';
export * from './document-access';
export * from './document-journal';
export * from './file-content';
export * from './batch-split';
export * from './pdf-inflation';
export * from './pdf-active-content';
