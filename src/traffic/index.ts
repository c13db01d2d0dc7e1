/**
 * Traffic history: hourly request counts per brand (page views, storefront API reads, cart and
 * checkout attempts, orders placed, crawlers), counted in memory and flushed every ~10 s. The
 * capacity plan (src/planning) reads it to find each brand's usual peak hour.
 */
export { type ServedRequest, type TrafficKind, trafficKinds, trafficKindsOf } from './classify-traffic.ts'
export { registerTrafficHistory, type TrafficHistory, type TrafficHistoryOptions } from './http.ts'
export { addTrafficCounts, type HourlyTraffic, hourlyTraffic } from './queries.ts'
export { type TrafficCount, TrafficCounter } from './traffic-counter.ts'
