/** What changed somewhere in the cluster; `resync` means "notifications may have been missed: reload all". */
export type Topic = 'catalog' | 'learning' | 'settings' | 'refresh' | 'resync';

/**
 * How instances that share one store agree: which one leads (probes servers, runs the schedule) and how each
 * learns that another changed something. With SQLite there is one instance, and it always leads.
 */
export interface Coordinator {
  /** This instance's id, as metrics and health show it. */
  readonly instance: string;
  readonly leading: boolean;
  /** Called with `true` when this instance becomes the leader and `false` when it stops being one. */
  onLeadership(listener: (leading: boolean) => void): void;
  /** Called for every change another instance announced (never for this instance's own). */
  onChange(listener: (topic: Topic) => void): void;
  /** Tells every other instance that `topic` changed. */
  publish(topic: Exclude<Topic, 'resync'>): Promise<void>;
  close(): Promise<void>;
}

/** The single-instance coordinator of the embedded SQLite setup. */
export function localCoordinator(instance: string): Coordinator {
  return {
    instance,
    leading: true,
    onLeadership: (listener) => listener(true),
    onChange: () => {},
    publish: async () => {},
    close: async () => {},
  };
}
