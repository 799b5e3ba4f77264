import type { Backend, BackendInit } from './backend.ts';
export class MpiBackend { static create(init: BackendInit): Promise<Backend> { throw new Error(`todo ${init.flavor}`); } }
