import { Injectable } from '@nestjs/common';

/** A dependency's readiness probe: resolves when usable, rejects with the reason when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/**
 * Infrastructure modules register a probe for the dependency they own (Kafka, MongoDB, Redis,
 * SMTP, SMPP), so /health/ready reports exactly what this app uses, each by name.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    if (this.checks.has(check.name)) {
      throw new Error(`readiness check "${check.name}" registered twice`);
    }
    this.checks.set(check.name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  all(): readonly ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
