package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The mock API server runs no controllers; a subclass plays one. It reacts to objects it
 * {@link #wants} one at a time, off the informer thread, and can be held back until the test
 * {@link #release}s it. A failed reaction fails {@link #close}, so a broken fake cannot pass silently.
 */
abstract class FakeController<T extends HasMetadata> implements AutoCloseable {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private SharedIndexInformer<T> informer;

  /** Starts reacting to the objects the informable lists and watches. */
  final void start(Informable<T> objects) {
    informer = objects.inform(JobWatch.handler(this::offer, false));
  }

  /** Objects seen from now on wait until {@link #release}. */
  final void hold() {
    gate = new CountDownLatch(1);
  }

  final void release() {
    gate.countDown();
  }

  /** Whether this event needs a reaction; called on the informer thread. */
  abstract boolean wants(T object);

  abstract void react(T object) throws Exception;

  @Override
  public void close() throws InterruptedException {
    release();
    if (informer != null) {
      informer.close();
    }
    // Reactions under way finish: cut off half way, they would look like failures of the fake.
    worker.shutdown();
    if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
      worker.shutdownNow();
    }
    if (!failures.isEmpty()) {
      AssertionError error = new AssertionError("the fake controller failed: " + failures.get(0), failures.get(0));
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
  }

  /**
   * Sets an object's status as a controller does: on a conflict (the object changed since it was
   * read, or a retried request finds its own first attempt applied) it reads the object again and
   * sets the status once more, a few times at most.
   */
  static <R extends HasMetadata> void editStatus(Resource<R> object, UnaryOperator<R> status) {
    for (int attempt = 1; ; attempt++) {
      try {
        object.editStatus(status);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private void offer(T object) {
    if (!wants(object)) {
      return;
    }
    CountDownLatch waitFor = gate;
    worker.execute(() -> {
      try {
        waitFor.await();
        react(object);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | AssertionError e) {
        failures.add(e);
      }
    });
  }
}
