/**
 * The order in which the sides of a comparison take turns: forward then backward, `rounds` times
 * (A B B A A B B A for two sides), so a drift of the machine — another process waking up, the CPU
 * clocking down, the database growing — weighs on every side alike. Each turn lasts
 * `durationS / (2 × rounds)`, so every side is timed for `durationS` in all.
 */
export function interleave(sides: number, durationS: number): { order: number[]; turnS: number } {
  // Turns shorter than ~2 s would measure connection set-up more than steady state.
  const rounds = durationS >= 8 ? 2 : 1
  const forward = Array.from({ length: sides }, (_, i) => i)
  const order = Array.from({ length: rounds }, () => [...forward, ...[...forward].reverse()]).flat()
  return { order, turnS: durationS / (2 * rounds) }
}
