// The tiny task as workerpool loads it: registered by name, called with exec('add', [a, b]).
import workerpool from 'workerpool';

workerpool.worker({ add: (a, b) => a + b });
