/**
 * The project's statements over the primitives of {@link dev.honest.common.proof}: what a task
 * statement, a worker summary and a run statement hold, how a task record is digested, and where a
 * statement sits in its worker's chain. The format is specified in section 7 of the
 * {@link dev.honest.common.proof} package documentation.
 */
package dev.honest.common.attest;
