/**
 * The waiting room: per brand, shared by every node through PostgreSQL. When a brand's room is
 * active (switched on, automatically under load, or scheduled for a sale with a shuffled
 * pre-queue), shoppers without a pass take a ticket and are admitted in rank order at the
 * configured rate; admission gives a signed, expiring pass cookie any node verifies.
 *
 * - `waitingRoomGate`: the Fastify plugin (hook in front of shop pages and /api/store/*, plus
 *   GET /waiting-room/status); register it at the root, before the routes.
 * - `waitingRoomAdminRoutes`: GET/PUT /api/admin/brands/{slug}/waiting-room, in the admin scope.
 * - `reportPressure(brandId, shedRatio)`: for the admission controller; drives `auto` rooms.
 */
export { configureRoom, type RoomSettingsInput, roomDefaults } from './configure-room.ts'
export { statusPath, type WaitingRoomGateOptions, waitingRoomGate } from './gate.ts'
export { type AutoPolicy, defaultAutoPolicy, type PressureOutcome, reportPressure } from './pressure.ts'
export { admittedThrough, type Room, type RoomMode, type RoomPhase, roomPhase } from './room.ts'
export { waitingRoomAdminRoutes } from './routes.ts'
