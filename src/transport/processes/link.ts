import { Socket } from 'node:net';
import { PeerExitedError } from '../../errors.ts';
import type { TransportOp } from '../op.ts';

/**
 * This rank's connection to one peer, for its messages to that peer only. It is made on
 * the first send; until the peer listens (`ready`), writes wait, corked, in the socket.
 * The socket keeps the process alive only while it holds unwritten bytes, so a rank that
 * sent and finished exits once its messages are in the kernel's hands.
 */
export class SocketOutLink {
  readonly socket = new Socket();
  /** Why the link is dead (the peer exited or refused us); sends then fail with it. */
  error: PeerExitedError | undefined;
  /** Sends whose bytes the socket still references: their Ops settle when written. */
  readonly waiting = new Set<TransportOp<void>>();
  /** True once the connection is made: from then on the peer will see it close when this process ends. */
  connected = false;
  /**
   * Until the connection is made, everything written to it (the greeting first): a process
   * that exits before then leaves these bytes for the peer in a file instead of losing them.
   */
  early: Uint8Array[] | undefined = [];
  private reffed = false;

  constructor(
    readonly dest: number,
    path: string,
    greeting: Buffer,
    ready: Promise<void> | undefined,
    private readonly onChange: () => void,
  ) {
    const socket = this.socket;
    socket.on('error', (err) => this.die(err));
    socket.on('close', () => this.die(undefined));
    socket.once('connect', () => {
      // Node writes what waited for the connection in this same turn, straight to the kernel.
      this.connected = true;
      this.early = undefined;
    });
    socket.cork();
    this.write(greeting);
    const open = (): void => {
      if (this.error) return;
      socket.connect(path);
      socket.uncork();
    };
    if (ready) ready.then(open, (err: unknown) => this.die(err));
    else open();
  }

  /** Writes bytes the caller will not touch again (a copied message). */
  write(frame: Buffer): void {
    this.hold();
    this.early?.push(frame);
    this.socket.write(frame, this.written);
  }

  /** Writes a header and a payload that stays the caller's: `op` resolves once the kernel has it. */
  writeOwned(head: Buffer, payload: Uint8Array, op: TransportOp<void>): void {
    this.hold();
    this.early?.push(head, payload);
    this.waiting.add(op);
    const s = this.socket;
    const corked = s.writableCorked > 0;
    if (!corked) s.cork();
    s.write(head);
    s.write(payload, (err) => {
      this.waiting.delete(op);
      if (err) op.reject(this.error ?? new PeerExitedError(this.dest, 'A send'));
      else op.resolve(undefined);
      this.written(err);
    });
    if (!corked) s.uncork();
  }

  /** Bytes queued in this process, not yet written to the socket. */
  get backlog(): number {
    return this.socket.writableLength;
  }

  /** Ends the link; sends still waiting fail with `err`. */
  close(err: Error): void {
    this.early = undefined;
    this.error ??= err instanceof PeerExitedError ? err : new PeerExitedError(this.dest, 'A send');
    this.socket.destroy();
    this.failWaiting(err);
  }

  private hold(): void {
    if (this.reffed) return;
    this.reffed = true;
    this.socket.ref();
  }

  private readonly written = (err?: Error | null): void => {
    if (err) this.die(err);
    if (this.reffed && this.socket.writableLength === 0) {
      this.reffed = false;
      this.socket.unref();
    }
    this.onChange();
  };

  private die(err: unknown): void {
    this.early = undefined;
    if (!this.error) this.error = new PeerExitedError(this.dest, 'A send');
    if (err !== undefined && this.error.cause === undefined) Object.defineProperty(this.error, 'cause', { value: err, configurable: true });
    this.socket.destroy();
    this.failWaiting(this.error);
    if (this.reffed) {
      this.reffed = false;
      this.socket.unref();
    }
    this.onChange();
  }

  private failWaiting(err: Error): void {
    for (const op of this.waiting) op.reject(err);
    this.waiting.clear();
  }
}
