export { generateSynthetic, writeSynthetic, type SynthDataset, type SynthOptions, type WriteSummary } from './generate.ts';
export { GENERATOR } from './writers.ts';
