/**
 * A FIFO with O(1) removal from the middle: matching takes the earliest entry that
 * fits, which is usually the first but not always (tags, sources).
 */
export interface QueueNode<T> {
  value: T;
  prev: QueueNode<T> | undefined;
  next: QueueNode<T> | undefined;
}

export class LinkedQueue<T> {
  head: QueueNode<T> | undefined;
  tail: QueueNode<T> | undefined;
  length = 0;

  push(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.length++;
    return node;
  }

  remove(node: QueueNode<T>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = undefined;
    this.length--;
  }
}
