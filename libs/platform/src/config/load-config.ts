import { cleanEnv, type CleanedEnv, EnvMissingError } from 'envalid';
import { developmentOnlyInUse } from './development-only';

export interface ConfigIssue {
  readonly variable: string;
  readonly problem: string;
}

export class ConfigError extends Error {
  constructor(
    readonly appName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${appName}: invalid configuration\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once, at boot. Every problem is collected (not only the first), so the
 * operator fixes them in one go. A `developmentOnly` setting turned on in production is one.
 */
export function loadConfig<S extends object>(
  appName: string,
  spec: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<CleanedEnv<S>> {
  const issues: ConfigIssue[] = [];
  // envalid takes an unset NODE_ENV for production; ours means development (the images set
  // NODE_ENV=production), so the local defaults apply on a developer's machine.
  const withMode = { ...env, NODE_ENV: env.NODE_ENV || 'development' };
  const config: object = cleanEnv(withMode, spec as never, {
    reporter: ({ errors }) => {
      for (const [variable, error] of Object.entries(errors)) {
        const problem =
          error instanceof EnvMissingError
            ? 'is required and not set'
            : `invalid value: ${String(error?.message ?? error)}`;
        issues.push({ variable, problem });
      }
    },
  });
  if (withMode.NODE_ENV === 'production') {
    for (const variable of developmentOnlyInUse(spec, config)) {
      issues.push({ variable, problem: 'is a development setting, refused in production' });
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(appName, issues);
  }
  // A plain frozen copy: envalid's strict proxy throws on unknown properties, and Nest probes
  // every provider value for lifecycle hooks (onModuleInit...).
  return Object.freeze({ ...config }) as Readonly<CleanedEnv<S>>;
}
