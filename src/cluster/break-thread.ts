// How a thread engine busy in synchronous code (`while (true) {}`) is stopped without
// ending its thread: this process's inspector attaches to the engine's thread (the
// NodeWorker domain, as DevTools debugs a worker) and asks its V8 to terminate the
// JavaScript that runs now (Runtime.terminateExecution). The inspector's messages reach a
// busy thread through a V8 interrupt, so the loop ends; the termination is cancelled once
// the code on the stack has unwound, and the engine goes on serving. A termination that
// found no JavaScript running would end the *next* execution instead, so the engine's
// running request is checked (a shared slot the engine writes) just before asking.
import { Session } from 'node:inspector';

/** Terminates the JavaScript a worker thread runs now, through the inspector. */
export class ThreadBreaker {
  private session: Session | undefined;
  private readonly sessions = new Map<string, string>();
  private readonly waiting = new Map<string, (sessionId: string) => void>();
  private attached: Promise<void> | undefined;

  /** Asks thread `threadId` to stop the code it runs. */
  async terminate(threadId: number): Promise<boolean> {
    await this.attach();
    // Workers are announced one by one, some after enable has answered.
    const sessionId = this.sessions.get(String(threadId)) ?? (await new Promise<string>((resolve) => this.waiting.set(String(threadId), resolve)));
    if (!this.session) return false;
    this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.terminateExecution' }) });
    return true;
  }

  /** Lets the threads go (the inspector session ends). */
  close(): void {
    for (const w of this.waiting.values()) w('');
    this.session?.disconnect();
    this.session = undefined;
  }

  // Connects once and attaches to every worker thread there is (new ones attach as they start).
  private attach(): Promise<void> {
    return (this.attached ??= new Promise<void>((resolve) => {
      const session = new Session();
      session.connect();
      session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { title: string } } }) => {
        // The inspector numbers workers its own way; the title names the thread (`[worker <threadId>] <name>`).
        const threadId = /^\[worker (\d+)\]/.exec(m.params.workerInfo.title)?.[1];
        if (threadId === undefined) return;
        this.sessions.set(threadId, m.params.sessionId);
        this.waiting.get(threadId)?.(m.params.sessionId);
        this.waiting.delete(threadId);
      });
      // Existing workers are announced before enable answers.
      session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, () => resolve());
      this.session = session;
    }));
  }
}
