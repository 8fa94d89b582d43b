export * from './numero-unique';
export * from './dates';
export * from './demand';
export * from './renewal';
export * from './documents';
export * from './csv';
