export { startFakeOpenstack, type FakeOpenstack } from './server.js';
export { FakeState, type Faults, type FakeServer, type FakeImage } from './state.js';
