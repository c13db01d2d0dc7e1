/**
 * Capacity planning (issue 8): from the hourly traffic history, the scheduled sale events and one
 * node's measured capacity, the nodes each event needs and when to ask for them. It proposes
 * (tables, Kubernetes manifests); it never scales anything itself.
 */
export { CapacityFileError, type NodeCapacity, parseCapacity, readCapacity, writeCapacity } from './capacity.ts'
export { planCommand, planHelp } from './cli.ts'
export {
  type CapacityPlan,
  computePlan,
  type EventPlan,
  type PlanBrand,
  type PlanEvent,
  type PlanHour,
  type PlanOptions,
} from './compute-plan.ts'
export { type ManifestFile, planManifests } from './manifest.ts'
