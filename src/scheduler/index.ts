export { Worker, sleep, type BackgroundPass } from './worker.js';
