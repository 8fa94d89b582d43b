export * from './numero-unique';
export * from './demand';
export * from './renewal';
