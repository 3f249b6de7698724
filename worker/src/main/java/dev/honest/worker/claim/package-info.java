/**
 * Which task a worker runs next. A worker runs its own slice of the plan first; with a claims
 * directory shared by the run's workers ({@link DirectoryClaims}), each task is claimed before it
 * starts, and a worker whose slice is done takes the unclaimed tasks of the slice with the most
 * left, from its end ({@link TaskSource#claiming}). So no worker idles while another still has a
 * queue, and no task runs twice. When the claims fail midway, a worker runs the rest of its slice
 * unclaimed and nothing else: a task may then run twice, none is lost. In a cluster the claims are
 * Leases ({@link LeaseClaims}). Without claims, a worker runs exactly its slice ({@link TaskSource#fixed}).
 */
package dev.honest.worker.claim;
