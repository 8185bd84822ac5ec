/**
 * Runs every target `rounds` times, rotating which goes first in each round so that none always
 * meets the machine in the same state (warm caches, a neighbour's burst); `run(target)` is awaited
 * one at a time. Returns each target's samples, in the targets' order.
 */
export async function rotatingRounds(targets, rounds, run) {
  const samples = targets.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (let offset = 0; offset < targets.length; offset++) {
      const index = (round + offset) % targets.length;
      samples[index].push(await run(targets[index]));
    }
  return samples;
}
