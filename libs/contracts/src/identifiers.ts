/**
 * The identifiers of the register as patterns, one place for the schemas, the topics, the path
 * parameters and the settings that carry them.
 */
export const GUICHET_CODE_PATTERN = '^[0-9A-Z]{5}$';
export const GUICHET_CODE = new RegExp(GUICHET_CODE_PATTERN);

/** An INSEE department code: 01-95, 2A, 2B, 971-976. */
export const DEPARTMENT_CODE_PATTERN = '^[0-9]{2}[0-9AB]$';
export const DEPARTMENT_CODE = new RegExp(DEPARTMENT_CODE_PATTERN);

/** `DDD MMYY NNNNNN GGGGG`: department, month and year of filing, sequence, guichet code. */
export const NUMERO_UNIQUE_PATTERN = '^[0-9]{2}[0-9AB] [0-9]{4} [0-9]{6} [0-9A-Z]{5}$';
export const NUMERO_UNIQUE = new RegExp(NUMERO_UNIQUE_PATTERN);
