export * from './numero-unique';
