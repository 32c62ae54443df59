/** HTTP/1.1 keep-alive connection pools, one node:http Agent per endpoint, kept across config updates. */
import { Agent } from 'node:http';
import type { Socket } from 'node:net';

/** Idle keep-alive sockets close after this long, under common server keep-alive timeouts (5 s in Node). */
const idleSocketMs = 4_000;

export class Http1Pool {
  private readonly agents = new Map<string, Agent>();
  private readonly retired = new Set<Agent>();

  agentFor(address: string, port: number): Agent {
    const key = `${address}:${port}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({ keepAlive: true, timeout: idleSocketMs, scheduling: 'lifo', noDelay: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Open sockets (in use and idle) across all endpoints, for tests and metrics. */
  openSockets(): number {
    let n = 0;
    for (const agent of [...this.agents.values(), ...this.retired]) {
      for (const list of [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)]) n += list?.length ?? 0;
    }
    return n;
  }

  /**
   * Endpoints that left the config: close their idle sockets now and the busy ones as they come
   * free, so in-flight requests finish on the connection they started on.
   */
  retain(keep: Set<string>): void {
    for (const [key, agent] of this.agents) {
      if (keep.has(key)) continue;
      this.agents.delete(key);
      this.retire(agent);
    }
  }

  close(): void {
    for (const agent of [...this.agents.values(), ...this.retired]) agent.destroy();
    this.agents.clear();
    this.retired.clear();
  }

  private retire(agent: Agent): void {
    this.retired.add(agent);
    const closeIfDone = (): void => {
      if (Object.values(agent.sockets).every((l) => !l?.length)) {
        agent.destroy();
        this.retired.delete(agent);
      }
    };
    agent.on('free', (socket: Socket) => {
      socket.destroy();
      closeIfDone();
    });
    for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.destroy();
    closeIfDone();
  }
}
